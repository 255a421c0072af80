import { createHmac, randomBytes } from 'node:crypto';
import { requestKey } from '../../src/bots/pipeline/request-log';
import { Customer } from '../../src/domain/customers/customer.entity';
import { searchNameOf } from '../../src/domain/customers/customer-access';
import { User } from '../../src/domain/org/user.entity';
import { Tenant } from '../../src/domain/tenants/tenant.entity';
import { startFakeSlack } from './fake-slack';
import { spawnService, type SpawnedService } from './spawn-service';
import { spawnWorker, type SpawnedWorker } from './spawn-worker';
import { createTestDatabase } from './test-database';

export type KillScenario = {
  /** Writing commands per second, spread evenly. */
  rate: number;
  /** How many times the web process is SIGKILLed (and started again at once, on the same port). */
  kills: number;
  /** How long it serves after each start before it is killed, and after the last restart. */
  upMs: number;
  /** The service's entry: compiled JavaScript for the benchmark, src/main.ts (tsx) for the test. */
  entry?: string;
  /** How long to wait, after the load, for every acknowledged command to be done. */
  settleMs?: number;
  env?: Record<string, string>;
};

export type KillResult = {
  sent: number;
  /** HTTP 200 with the "working on it" ack: what a person saw as accepted. */
  acked: number;
  /** No ack (the process was down or died mid-request): the person saw Slack's failure. */
  notAcked: number;
  kills: number;
  /** Acked, and in the end exactly one visit and exactly one answer. */
  doneOnce: number;
  /** Acked, but no visit or no answer. */
  lost: number;
  /** Acked, and two visits or two answers. */
  twice: number;
  /** Not acked, yet done (the command was durable before the process died): told later, once. */
  doneAnyway: number;
  examples: string[];
};

const signingSecret = 'kill-signing-secret';
const teamId = 'TKILL';
const users = 20;
const customerName = (u: number) => `Kill Customer ${String(u).padStart(2, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signedVisit(base: string, responseBase: string, seq: number, runId: string) {
  const user = seq % users;
  const trigger = `${runId}.${seq}.kill`;
  const body = new URLSearchParams({
    token: 'x', team_id: teamId, team_domain: 'kill', channel_id: 'CKILL', channel_name: 'kill', user_id: `UKILL${user}`, user_name: `rep${user}`, command: '/visit',
    text: `${customerName(user)} met the buyer, visit ${seq}`, api_app_id: 'AKILL', response_url: `${responseBase}/response/k${seq}`, trigger_id: trigger,
  }).toString();
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { url: `${base}/slack/events`, body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature }, key: requestKey('slack', 'cmd', trigger) };
}

/**
 * Writing commands at a steady rate into a web process that is SIGKILLed again and again, with a
 * worker beside it; then, per command, whether the person who got the ack got exactly one visit
 * and exactly one answer.
 */
export async function runWebKillScenario(opts: KillScenario): Promise<KillResult> {
  const db = await createTestDatabase();
  const fake = await startFakeSlack({ team: { id: teamId, name: 'Kill' } });
  const runId = randomBytes(3).toString('hex');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env = {
    DATABASE_URL: db.url, SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: 'xoxb-kill', SLACK_API_URL: fake.url,
    QUEUE_PREFIX: `sfa-kill-${runId}`, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', JOB_LOCK_MS: '5000', OUTBOX_POLL_MS: '200', ...opts.env,
  };
  const startWeb = () => spawnService({ ...env, SFA_ROLE: 'web', PORT: String(port) }, 30_000, opts.entry);
  // The worker needs nothing the web process makes: both start at once.
  const starting = spawnWorker({ ...env, WORKER_CONCURRENCY: '8' }, { entry: opts.entry });
  let web: SpawnedService = await startWeb();
  let worker: SpawnedWorker | undefined = await starting;
  try {
    const em = db.orm.em.fork();
    const tenant = await em.findOneOrFail(Tenant, { slackTeamId: teamId });
    const reps = Array.from({ length: users }, (_, u) => em.create(User, { tenantId: tenant.id, name: `Rep ${u}`, email: `rep${u}@kill.test`, role: 'rep', slackTeamId: teamId, slackUserId: `UKILL${u}` } as User));
    await em.flush();
    reps.forEach((rep, u) => em.create(Customer, { tenantId: tenant.id, name: customerName(u), searchName: searchNameOf(customerName(u)), ownerId: rep.id } as Customer));
    await em.flush();

    const outcomes = new Map<number, { key: string; acked: boolean }>();
    const inFlight: Promise<void>[] = [];
    let kills = 0;
    let restarting: Promise<void> | undefined;
    const started = Date.now();
    // The next kill comes once the process has served for upMs; after the last, the load ends as long after.
    let nextKill = started + opts.upMs;
    for (let seq = 0; kills < opts.kills || restarting || Date.now() < nextKill; seq++) {
      const due = started + (seq * 1000) / opts.rate;
      if (due > Date.now()) await sleep(due - Date.now());
      if (Date.now() >= nextKill && !restarting && kills < opts.kills) {
        kills++;
        const dying = web;
        dying.child.kill('SIGKILL');
        restarting = dying.exit.then(async () => {
          web = await startWeb();
          nextKill = Date.now() + opts.upMs;
          restarting = undefined;
        });
      }
      const request = signedVisit(`http://127.0.0.1:${port}`, fake.origin, seq, runId);
      outcomes.set(seq, { key: request.key, acked: false });
      inFlight.push(
        fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(3000) })
          .then(async (res) => {
            const text = await res.text();
            outcomes.get(seq)!.acked = res.status === 200 && text.includes('⏳');
          })
          .catch(() => undefined),
      );
    }
    await Promise.all(inFlight);
    await restarting;

    const tally = async () => {
      const rows: Array<{ source_key: string; n: number }> = await db.orm.em.fork().getConnection().execute(`select source_key, count(*)::int as n from interactions where source_key is not null group by source_key`);
      const visits = new Map(rows.map((r) => [r.source_key, r.n]));
      const answers = new Map<string, number>();
      for (const r of fake.responses) if (r.status === 200) answers.set(r.id, (answers.get(r.id) ?? 0) + 1);
      return { visits, answers };
    };
    const judge = ({ visits, answers }: Awaited<ReturnType<typeof tally>>) => {
      const result: KillResult = { sent: outcomes.size, acked: 0, notAcked: 0, kills, doneOnce: 0, lost: 0, twice: 0, doneAnyway: 0, examples: [] };
      for (const [seq, o] of outcomes) {
        const v = visits.get(o.key) ?? 0;
        const a = answers.get(`k${seq}`) ?? 0;
        if (!o.acked) {
          result.notAcked++;
          if (v === 1 && a === 1) result.doneAnyway++;
          else if (v > 1 || a > 1) result.twice++;
          continue;
        }
        result.acked++;
        if (v === 1 && a === 1) result.doneOnce++;
        else if (v > 1 || a > 1) result.twice++;
        else result.lost++;
        if (!(v === 1 && a === 1) && result.examples.length < 5) result.examples.push(`#${seq}: ${v} visit(s), ${a} answer(s)`);
      }
      return result;
    };
    // Acked commands held in Redis run within the hold; ones kept in PostgreSQL within the takeover time.
    const deadline = Date.now() + (opts.settleMs ?? 30_000);
    let result = judge(await tally());
    while (Date.now() < deadline && result.lost > 0) {
      await sleep(500);
      result = judge(await tally());
    }
    await sleep(1500);
    return judge(await tally());
  } finally {
    web.child.kill('SIGKILL');
    worker?.child.kill('SIGTERM');
    await Promise.all([web.exit, worker?.exit]);
    await fake.close();
    await db.drop();
  }
}
