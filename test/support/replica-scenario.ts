import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { requestKey } from '../../src/bots/pipeline/request-log';
import { planVisit } from '../../src/domain/activities/plan-visit';
import { Customer } from '../../src/domain/customers/customer.entity';
import { searchNameOf } from '../../src/domain/customers/customer-access';
import { User } from '../../src/domain/org/user.entity';
import { ReportSubscription } from '../../src/domain/report-subscriptions/report-subscription.entity';
import { userActor } from '../../src/domain/shared/actor';
import { Tenant } from '../../src/domain/tenants/tenant.entity';
import { reportTickJob } from '../../src/jobs/report-tick.job';
import { signSlackRequest } from '../../src/playground/slack-driver';
import { clearRedis } from './clear-redis';
import { startFakeSlack } from './fake-slack';
import { spawnService, type SpawnedService } from './spawn-service';
import { spawnWorker, type SpawnedWorker } from './spawn-worker';
import { createTestDatabase } from './test-database';

export type ReplicaScenario = {
  webs: number;
  workers: number;
  /** Visit reminders falling due while the load runs. */
  reminders: number;
  /** Writing commands (`/visit … met …`), sent evenly over `loadMs`, round-robin over the web processes in rotation. */
  commands: number;
  loadMs: number;
  /** SIGTERM each web, then each worker, one at a time, starting each again before the next. */
  rollingRestart: boolean;
  /** Compiled JavaScript for the benchmark, src/main.ts (tsx) for the test. */
  entry?: string;
  settleMs?: number;
};

export type Tally = { once: number; twice: number; never: number; lagsMs: number[] };

export type ReplicaResult = {
  commands: Tally & { acked: number };
  reminders: Tally;
  /** Report posts for one subscription after two ticks ran (on whichever workers took them). */
  reportPosts: number;
  /** Job schedulers in Redis after every worker upserted them (and restarted ones again), and their pending runs. */
  schedulers: { ids: string[]; nextRuns: number };
  /** Commands without an ack (no process answered in time), and the first reason. */
  notAcked: { count: number; first?: string };
  /** Before the restarts: queued commands each worker ran, and reminders each worker sent. */
  commandsByWorker: number[];
  remindersByWorker: number[];
  restarts: number;
  examples: string[];
};

const signingSecret = 'replica-signing-secret';
const teamId = 'TREPLICA';
const reps = 40;
const leadMinutes = 30;
const customerName = (u: number) => `Replica Customer ${String(u).padStart(2, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const counter = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};
const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

/**
 * Several web and worker processes against one PostgreSQL and one Redis, as a deployment runs
 * them: reminders fall due and people send commands while (optionally) every process is restarted
 * in turn with SIGTERM. Then, per reminder and per command, how many times it took effect.
 */
export async function runReplicaScenario(opts: ReplicaScenario): Promise<ReplicaResult> {
  const db = await createTestDatabase();
  const fake = await startFakeSlack({ team: { id: teamId, name: 'Replica' } });
  const runId = randomBytes(3).toString('hex');
  const prefix = `sfa-replica-${runId}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const env = {
    DATABASE_URL: db.url, SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: 'xoxb-replica', SLACK_API_URL: fake.url,
    QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, JOB_LOCK_MS: '5000', OUTBOX_POLL_MS: '200', WORKER_CONCURRENCY: '8',
  };
  const webPorts = Array.from({ length: opts.webs }, (_, i) => 20_000 + Math.floor(Math.random() * 20_000) + i);
  const startWeb = (i: number) => spawnService({ ...env, SFA_ROLE: 'web', PORT: String(webPorts[i]) }, 40_000, opts.entry);
  const startWorker = () => spawnWorker(env, { entry: opts.entry, timeoutMs: 40_000 });
  // One at a time: a first start migrates the database, and two migrating at once would race.
  const webs: SpawnedService[] = [await startWeb(0)];
  for (let i = 1; i < opts.webs; i++) webs.push(await startWeb(i));
  const workers: SpawnedWorker[] = await Promise.all(Array.from({ length: opts.workers }, startWorker));
  const queue = new Queue('schedules', { connection: { url: redisUrl }, prefix });
  try {
    const em = db.orm.em.fork();
    const tenant = await em.findOneOrFail(Tenant, { slackTeamId: teamId });
    const people = Array.from({ length: reps }, (_, u) =>
      em.create(User, { tenantId: tenant.id, name: `Rep ${u}`, email: `rep${u}@replica.test`, role: 'rep', slackTeamId: teamId, slackUserId: `UREP${u}`, timezone: 'UTC', reminderLeadMinutes: leadMinutes } as User),
    );
    const manager = em.create(User, { tenantId: tenant.id, name: 'Mia Manager', email: 'mia@replica.test', role: 'manager', slackTeamId: teamId, slackUserId: 'UMGR', timezone: 'UTC' } as User);
    await em.flush();
    const customers = people.map((rep, u) => em.create(Customer, { tenantId: tenant.id, name: customerName(u), searchName: searchNameOf(customerName(u)), ownerId: rep.id } as Customer));
    // A daily report whose time today has come: due now, for the period that ended at midnight.
    em.create(ReportSubscription, { tenantId: tenant.id, ownerId: manager.id, scope: 'team', platform: 'slack', channelId: 'CREPORTS', period: 'daily', localTime: `${String(new Date().getUTCHours()).padStart(2, '0')}:00`, timezone: 'UTC' } as ReportSubscription);
    await em.flush();

    // Reminders fall due across the load, starting once planning is surely done.
    const dueStart = Date.now() + 5000;
    const planned: Array<{ key: string; due: number }> = [];
    for (let i = 0; i < opts.reminders; i++) {
      const due = dueStart + Math.floor((i * opts.loadMs) / Math.max(1, opts.reminders));
      const scheduledAt = new Date(due + leadMinutes * 60_000);
      const visit = await planVisit(db.orm.em.fork(), userActor(tenant.id, people[i % reps]!.id, 'rep'), { customerId: customers[i % reps]!.id, scheduledAt });
      planned.push({ key: `visit-reminder.${visit.id}.${scheduledAt.getTime()}`, due });
    }

    // Commands round-robin over the web processes in rotation (a load balancer takes one out once it drains).
    const inRotation = new Set(webs.map((_, i) => i));
    const sent = new Map<number, { key: string; at: number; acked: boolean }>();
    const inFlight: Promise<void>[] = [];
    const refusals: string[] = [];
    const loadStart = Math.max(Date.now(), dueStart);
    let restarts = 0;
    const byWorker = { commands: [] as number[], reminders: [] as number[] };
    const restarting = (async () => {
      await sleep(Math.max(0, loadStart + opts.loadMs / 3 - Date.now()));
      // Spread, measured before any restart resets a process's counters.
      for (const w of workers) {
        const text = await scrape(w.port);
        byWorker.commands.push(counter(text, 'sfa_chat_interactions_total{platform="slack",kind="command",outcome="ok"}'));
        byWorker.reminders.push(counter(text, 'sfa_deliveries_total{platform="slack",kind="visit_reminder",outcome="sent"}'));
      }
      if (!opts.rollingRestart) return;
      for (let i = 0; i < webs.length; i++) {
        inRotation.delete(i);
        webs[i]!.child.kill('SIGTERM');
        await webs[i]!.exit;
        webs[i] = await startWeb(i);
        inRotation.add(i);
        restarts++;
      }
      for (let i = 0; i < workers.length; i++) {
        workers[i]!.child.kill('SIGTERM');
        await workers[i]!.exit;
        workers[i] = await startWorker();
        restarts++;
      }
    })();
    for (let seq = 0; seq < opts.commands; seq++) {
      const at = loadStart + (seq * opts.loadMs) / opts.commands;
      if (at > Date.now()) await sleep(at - Date.now());
      const rotation = [...inRotation];
      const port = webPorts[rotation[seq % rotation.length]!]!;
      const user = seq % reps;
      const trigger = `${runId}.${seq}.replica`;
      const body = new URLSearchParams({
        token: 'x', team_id: teamId, team_domain: 'replica', channel_id: 'CREPLICA', channel_name: 'replica', user_id: `UREP${user}`, user_name: `rep${user}`, command: '/visit',
        text: `${customerName(user)} met the buyer, visit ${seq}`, api_app_id: 'AREPLICA', response_url: `${fake.origin}/response/r${seq}`, trigger_id: trigger,
      }).toString();
      const entry = { key: requestKey('slack', 'cmd', trigger), at: Date.now(), acked: false };
      sent.set(seq, entry);
      inFlight.push(
        fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(signingSecret, body) }, body, signal: AbortSignal.timeout(3000) })
          .then(async (res) => {
            const text = await res.text();
            entry.acked = res.status === 200 && text.includes('⏳');
            if (!entry.acked) refusals.push(`${res.status} ${text.slice(0, 120)}`);
          })
          .catch((err: Error & { cause?: Error }) => { refusals.push(err.cause?.message ?? err.message); }),
      );
    }
    await Promise.all(inFlight);
    await restarting;

    // Two report ticks, as if two schedulers had fired: one post.
    await queue.add(reportTickJob.name, {}, { jobId: `report-tick.replica-a.${runId}` });
    await queue.add(reportTickJob.name, {}, { jobId: `report-tick.replica-b.${runId}` });

    const tally = async () => {
      const rows: Array<{ source_key: string; n: number }> = await db.orm.em.fork().getConnection().execute(`select source_key, count(*)::int as n from interactions where source_key is not null group by source_key`);
      const visits = new Map(rows.map((r) => [r.source_key, r.n]));
      const answers = new Map<string, number[]>();
      for (const r of fake.responses) if (r.status === 200) answers.set(r.id, [...(answers.get(r.id) ?? []), r.at.getTime()]);
      const posts = fake.callsTo('chat.postMessage').filter((c) => c.ok);
      const reminderCalls = new Map<string, number[]>();
      for (const c of posts) {
        const key = c.args.metadata?.event_payload?.key as string | undefined;
        if (key) reminderCalls.set(key, [...(reminderCalls.get(key) ?? []), c.at.getTime()]);
      }
      const examples: string[] = [];
      const commands: ReplicaResult['commands'] = { acked: 0, once: 0, twice: 0, never: 0, lagsMs: [] };
      for (const [seq, c] of sent) {
        if (!c.acked) continue;
        commands.acked++;
        const v = visits.get(c.key) ?? 0;
        const a = answers.get(`r${seq}`) ?? [];
        if (v === 1 && a.length === 1) { commands.once++; commands.lagsMs.push(a[0]! - c.at); }
        else if (v > 1 || a.length > 1) commands.twice++;
        else commands.never++;
        if (!(v === 1 && a.length === 1) && examples.length < 5) examples.push(`command #${seq}: ${v} visit(s), ${a.length} answer(s)`);
      }
      const reminders: Tally = { once: 0, twice: 0, never: 0, lagsMs: [] };
      for (const p of planned) {
        const at = reminderCalls.get(p.key) ?? [];
        if (at.length === 1) { reminders.once++; reminders.lagsMs.push(at[0]! - p.due); }
        else if (at.length > 1) reminders.twice++;
        else reminders.never++;
        if (at.length !== 1 && examples.length < 5) examples.push(`reminder ${p.key}: sent ${at.length} time(s)`);
      }
      const reportPosts = fake.callsTo('files.completeUploadExternal').filter((c) => c.ok && c.args.channel_id === 'CREPORTS').length;
      return { commands, reminders, reportPosts, examples };
    };
    const deadline = Date.now() + (opts.settleMs ?? 30_000);
    let result = await tally();
    while (Date.now() < deadline && (result.commands.never > 0 || result.reminders.never > 0 || result.reportPosts === 0)) {
      await sleep(500);
      result = await tally();
    }
    await sleep(2000); // a late duplicate would show up here
    result = await tally();
    const schedulers = await queue.getJobSchedulers();
    const nextRuns = (await queue.getJobs(['delayed'])).filter((j) => schedulers.some((s) => j.id?.startsWith(`repeat:${s.key}`))).length;
    return {
      ...result,
      schedulers: { ids: schedulers.map((s) => s.key).sort(), nextRuns },
      notAcked: { count: refusals.length, first: refusals[0] },
      commandsByWorker: byWorker.commands,
      remindersByWorker: byWorker.reminders,
      restarts,
    };
  } finally {
    for (const p of [...webs, ...workers]) p.child.kill('SIGTERM');
    await Promise.all([...webs, ...workers].map((p) => p.exit));
    await queue.close();
    await clearRedis(redisUrl, prefix);
    await fake.close();
    await db.drop();
  }
}
