/**
 * One fault scenario's world: a fresh database on the private PostgreSQL, a fresh queue prefix on
 * the private Redis, people on Slack (the fake Web API) or on Teams (the fake connector), worker
 * processes running the compiled service, and N visit reminders planned through the real use case
 * (outbox rows) to fall due within a window. Every request the platform fake receives is kept
 * with its arrival time, refused ones included, so a scenario can judge delivery and request rates.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { migrate, openOrm, type MikroORM } from '../../src/db/orm';
import { planVisit } from '../../src/domain/activities/plan-visit';
import { Customer } from '../../src/domain/customers/customer.entity';
import { searchNameOf } from '../../src/domain/customers/customer-access';
import { User } from '../../src/domain/org/user.entity';
import { userActor } from '../../src/domain/shared/actor';
import { Tenant } from '../../src/domain/tenants/tenant.entity';
import { startFakeSlack, type FakeSlack } from '../../test/support/fake-slack';
import { startFakeTeams, type FakeTeams } from '../../test/support/fake-teams';
import { spawnWorker, type SpawnedWorker } from '../../test/support/spawn-worker';
import { onExit, type PrivateStores } from './private-stores';

export type Platform = 'slack' | 'teams';

export type WorldOptions = {
  stores: PrivateStores;
  platform: Platform;
  reminders: number;
  users: number;
  windowMs: number;
  workers: number;
  concurrency: number;
  /** The compiled service, `dist/src/main.js`. */
  entry: string;
  /** More worker environment (JOB_LOCK_MS, OUTBOX_SWEEP_MS … when the bench is given them). */
  env?: Record<string, string>;
  log?: (line: string) => void;
};

/** A reminder as planned: its idempotency key (the message metadata key), due time and channel. */
export type Planned = { key: string; visitId: string; due: number; channel: string };
/** A request the platform received, refused or not. */
export type PlatformRequest = { at: number; method: string; channel: string; status: number };
/** A message the platform accepted, with the delivery key it carried. */
export type Delivered = { key: string; at: number; channel: string };

const leadMinutes = 30;
const aadTenant = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const aadOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ReminderWorld {
  readonly planned: Planned[] = [];
  /** Every worker process ever started here (a killed one keeps its logs). */
  readonly everyWorker: SpawnedWorker[] = [];
  /** The ones that should be alive. */
  readonly workers: SpawnedWorker[] = [];
  dueStart = 0;
  lastDue = 0;

  private constructor(
    readonly opts: WorldOptions,
    readonly orm: MikroORM,
    readonly database: string,
    readonly prefix: string,
    readonly slack: FakeSlack | undefined,
    readonly teams: FakeTeams | undefined,
    private readonly workerEnv: Record<string, string>,
  ) {}

  static async start(opts: WorldOptions): Promise<ReminderWorld> {
    const database = `sfa_faults_${randomBytes(4).toString('hex')}`;
    const prefix = `sfa-faults-${randomBytes(4).toString('hex')}`;
    const orm = await openOrm(opts.stores.pg.url(database));
    await migrate(orm);
    const slack = opts.platform === 'slack' ? await startFakeSlack({ team: { id: 'TFAULTS', name: 'Faults Co' } }) : undefined;
    const teams = opts.platform === 'teams' ? await startFakeTeams() : undefined;
    const platformEnv: Record<string, string> = slack
      ? { SLACK_SIGNING_SECRET: 'faults-signing-secret', SLACK_BOT_TOKEN: 'xoxb-faults', SLACK_API_URL: slack.url }
      : { TEAMS_DEV_MODE: 'true' };
    const env = {
      DATABASE_URL: opts.stores.pg.url(database),
      REDIS_URL: opts.stores.redis.url,
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY: String(opts.concurrency),
      ...platformEnv,
      ...opts.env,
    };
    const world = new ReminderWorld(opts, orm, database, prefix, slack, teams, env);
    await world.seedPeople();
    for (let i = 0; i < opts.workers; i++) await world.startWorker();
    return world;
  }

  private customers: Array<{ user: User; customer: Customer; channel: string }> = [];

  private async seedPeople(): Promise<void> {
    const { platform, users } = this.opts;
    const em = this.orm.em.fork();
    const tenant = em.create(Tenant, platform === 'slack' ? { slug: 'faults', name: 'Faults', slackTeamId: 'TFAULTS' } as Tenant : { slug: 'faults', name: 'Faults', teamsTenantId: aadTenant } as Tenant);
    await em.flush();
    const people = Array.from({ length: users }, (_, i) =>
      em.create(User, {
        tenantId: tenant.id, name: `Rep ${i}`, email: `rep${i}@faults.example`, role: 'rep', timezone: 'Asia/Shanghai', locale: i % 2 ? 'zh-CN' : 'en', reminderLeadMinutes: leadMinutes,
        ...(platform === 'slack' ? { slackTeamId: 'TFAULTS', slackUserId: `UF${String(i).padStart(6, '0')}` } : { teamsTenantId: aadTenant, teamsAadObjectId: aadOf(i) }),
      } as User),
    );
    await em.flush();
    const customers = people.map((u, i) => em.create(Customer, { tenantId: tenant.id, name: `Customer ${i}`, searchName: searchNameOf(`Customer ${i}`), ownerId: u.id } as Customer));
    await em.flush();
    if (platform === 'teams') {
      // The conversation reference a first message would have stored: its serviceUrl is the fake connector.
      const rows = people.map((u, i) => [u.id, tenant.id, `a:${aadOf(i)}`, JSON.stringify({
        activityId: randomBytes(6).toString('hex'), channelId: 'msteams', serviceUrl: this.teams!.url, locale: 'en-US',
        user: { id: `29:${aadOf(i)}`, aadObjectId: aadOf(i), name: `Rep ${i}` }, bot: { id: '28:sfa-bot', name: 'SFA' },
        conversation: { id: `a:${aadOf(i)}`, conversationType: 'personal', tenantId: aadTenant },
      })]);
      await em.getConnection().execute(
        `insert into teams_conversations (user_id, tenant_id, conversation_id, reference, active, updated_at)
         select *, true, now() from unnest(array[?]::uuid[], array[?]::uuid[], array[?]::text[], array[?]::jsonb[])`,
        [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
      );
    }
    this.customers = people.map((user, i) => ({ user, customer: customers[i]!, channel: platform === 'slack' ? `D${user.slackUserId!.slice(1)}` : `a:${aadOf(i)}` }));
  }

  async startWorker(): Promise<SpawnedWorker> {
    const worker = await spawnWorker(this.workerEnv, { entry: this.opts.entry, timeoutMs: 30_000 });
    // A benchmark that is interrupted or crashes leaves no worker behind.
    const forget = onExit(() => worker.child.kill('SIGKILL'));
    void worker.exit.then(forget);
    this.everyWorker.push(worker);
    this.workers.push(worker);
    return worker;
  }

  /** SIGKILL: no shutdown, jobs in hand stay locked until their lock runs out. */
  async killWorker(index = 0): Promise<void> {
    const [worker] = this.workers.splice(index, 1);
    worker?.child.kill('SIGKILL');
    await worker?.exit;
  }

  /**
   * Plans the reminders (round robin over the people), all due within the window, which starts
   * once planning is surely done. Returns when every visit is planned.
   */
  async plan(leadInMs = 15_000): Promise<void> {
    const { reminders, windowMs } = this.opts;
    this.dueStart = Date.now() + leadInMs + reminders * 4;
    const jobs = Array.from({ length: reminders }, (_, i) => ({ ...this.customers[i % this.customers.length]!, due: this.dueStart + Math.floor(Math.random() * windowMs) }));
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          const scheduledAt = new Date(job.due + leadMinutes * 60_000);
          const visit = await planVisit(this.orm.em.fork(), userActor(job.user.tenantId, job.user.id, 'rep'), { customerId: job.customer.id, scheduledAt });
          this.planned.push({ key: `visit-reminder.${visit.id}.${scheduledAt.getTime()}`, visitId: visit.id, due: job.due, channel: job.channel });
        }
      }),
    );
    this.lastDue = Math.max(...this.planned.map((p) => p.due));
    this.opts.log?.(`  planned ${reminders} visits in ${((Date.now() - started) / 1000).toFixed(1)} s; the window opens in ${((this.dueStart - Date.now()) / 1000).toFixed(1)} s${Date.now() > this.dueStart ? ' (planning overran it)' : ''}`);
  }

  /** Sleeps until the epoch ms. */
  async until(at: number): Promise<void> {
    if (at > Date.now()) await sleep(at - Date.now());
  }

  requests(): PlatformRequest[] {
    if (this.slack) return this.slack.calls.map((c) => ({ at: c.at.getTime(), method: c.method, channel: String(c.args.channel ?? c.args.users ?? ''), status: c.status }));
    return this.teams!.calls.map((c) => ({ at: c.at.getTime(), method: 'send', channel: c.conversationId, status: c.status }));
  }

  delivered(): Delivered[] {
    if (this.slack) {
      return this.slack.calls
        .filter((c) => c.method === 'chat.postMessage' && c.ok)
        .map((c) => ({ key: String(c.args.metadata?.event_payload?.key), at: c.at.getTime(), channel: String(c.args.channel) }));
    }
    return this.teams!.sent.map((s) => ({ key: String(s.activity?.channelData?.sfaKey), at: s.at.getTime(), channel: s.conversationId }));
  }

  /**
   * Waits until every reminder is delivered (and the fault is over), or nothing new arrived for
   * `quietMs` once the window and the fault are over, or `maxMs` after that; then a few seconds
   * more, for a late duplicate to show.
   */
  async settle(opts: { clearedAt: number; quietMs?: number; maxMs?: number }): Promise<void> {
    const quietMs = opts.quietMs ?? 45_000;
    const from = Math.max(this.lastDue, opts.clearedAt);
    const deadline = from + (opts.maxMs ?? 120_000);
    const keys = new Set(this.planned.map((p) => p.key));
    let seen = -1;
    let quietSince = Date.now();
    for (;;) {
      await sleep(500);
      const done = new Set(this.delivered().map((d) => d.key).filter((k) => keys.has(k))).size;
      if (done !== seen) { seen = done; quietSince = Date.now(); }
      const now = Date.now();
      // Everything arrived; what a dead worker claimed is only over once a takeover settled it.
      if (done >= keys.size && now > from + 1000 && (await this.openClaims()) === 0) break;
      if (now > from && now - quietSince > quietMs) break;
      if (now > deadline) break;
    }
    await sleep(3000);
  }

  /** What the ledger and the outbox say about these reminders (for the ones that never arrived). */
  async ledgerOf(planned: Planned[]): Promise<Map<string, string>> {
    if (planned.length === 0) return new Map();
    const em = this.orm.em.fork();
    const rows: Array<{ key: string; delivery: string | null; error: string | null; published: boolean; settled: boolean }> = await em.getConnection().execute(
      `select p.key, d.status as delivery, d.error, o.published_at is not null as published, o.settled_at is not null as settled
         from unnest(array[?]::text[], array[?]::uuid[]) as p(key, visit_id)
         left join deliveries d on d.idempotency_key = p.key
         left join lateral (select published_at, settled_at from outbox where aggregate_id = p.visit_id::text and topic = 'visit.reminder' order by id desc limit 1) o on true`,
      [planned.map((p) => p.key), planned.map((p) => p.visitId)],
    );
    return new Map(rows.map((r) => [r.key, `delivery ${r.delivery ?? 'none'}${r.error ? ` (${r.error})` : ''}, outbox ${r.settled ? 'settled' : r.published ? 'published' : 'unpublished'}`]));
  }

  /** Deliveries claimed but neither sent nor dead (a claim a dead worker left, or a send not marked). */
  async openClaims(): Promise<number> {
    try {
      const [r] = await this.orm.em.fork().getConnection().execute(`select count(*)::int as n from deliveries where status not in ('sent', 'dead')`);
      return r.n;
    } catch {
      return -1; // the database is down: not settled
    }
  }

  /** How the ledger saw the deliveries: taken over from a dead claim (uncertain), tried more than once, dead. */
  async ledgerSummary(clearedAt: number): Promise<string> {
    const [r] = await this.orm.em.fork().getConnection().execute(
      `select count(*)::int as rows, count(*) filter (where uncertain)::int as uncertain, count(*) filter (where attempts > 1)::int as retried,
              count(*) filter (where status = 'dead')::int as dead, count(*) filter (where status <> 'sent')::int as unsent,
              (extract(epoch from max(updated_at) filter (where uncertain)) * 1000)::float8 as last_takeover_ms from deliveries`,
    );
    const takeover = r.last_takeover_ms ? `; the last takeover was settled ${((r.last_takeover_ms - clearedAt) / 1000).toFixed(1)} s after the fault cleared` : '';
    return `ledger: ${r.rows} deliveries, ${r.retried} took more than one attempt, ${r.uncertain} taken over from a claim that may have reached the platform (looked for a copy first)${takeover}, ${r.dead} dead, ${r.unsent} not marked sent`;
  }

  /** The workers' warnings and errors (JSON log level ≥ 40), counted by message. */
  warnings(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.everyWorker.flatMap((w) => w.logs)) {
      if (Number(entry.level) < 40) continue;
      const repeated = Number(entry.repeated ?? 0);
      const msg = String(entry.msg);
      counts.set(msg, (counts.get(msg) ?? 0) + 1 + repeated);
    }
    return counts;
  }

  /** FAULTS_LOG_DIR=…: every worker's JSON log lines, one file per process, for a closer look. */
  saveLogs(name: string): void {
    const dir = process.env.FAULTS_LOG_DIR;
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}-requests.json`), JSON.stringify({ planned: this.planned, requests: this.requests(), delivered: this.delivered() }));
    this.everyWorker.forEach((w, i) => fs.writeFileSync(path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}-worker${i + 1}.log`), w.logs.map((l) => JSON.stringify(l)).join('\n')));
  }

  async stop(): Promise<void> {
    for (const w of this.workers) w.child.kill('SIGTERM');
    const exits = Promise.all(this.workers.map((w) => w.exit));
    // A worker that cannot finish (a store is gone) is not waited for long.
    await Promise.race([exits, sleep(20_000)]);
    for (const w of this.workers) w.child.kill('SIGKILL');
    await this.slack?.close();
    await this.teams?.close();
    await this.orm.close(true);
    const admin = await openOrm(this.opts.stores.pg.url('postgres'));
    await admin.em.getConnection().execute(`drop database if exists "${this.database}" with (force)`);
    await admin.close(true);
  }
}
