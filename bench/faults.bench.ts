/**
 * Benchmark: visit reminders and chat commands through the faults a deployment meets — a worker
 * SIGKILLed mid-window, Redis restarting empty, PostgreSQL crashing and coming back, a 429 storm
 * from Slack and from Teams, a web process killed while acking commands. The stores are the
 * benchmark's own PostgreSQL and Redis (started here, on free ports; never the machine's shared
 * ones), the workers are the compiled service (two processes), the platforms are the local fakes.
 *
 * Per fault: N reminders (or acked commands) delivered exactly once / twice / never, lag after the
 * due time (p50/p99), p99 lag after the fault cleared (for every reminder still to go when the
 * fault began: sent − max(due, cleared)), and for the storms the requests the platform received.
 * Target: 0 twice, 0 never, p99 after clear < 10 s, and during a storm nothing sent while a
 * Retry-After runs and no more than the platform's published rates:
 *   - Slack: chat.postMessage "generally allows posting one message per second per channel, while
 *     also maintaining a workspace-wide limit" (Special tier); short bursts above 1/s are allowed
 *     but not guaranteed; a 429 carries Retry-After — https://api.slack.com/docs/rate-limits
 *     (conversations.open and conversations.history are Tier 3, 50+ per minute).
 *   - Teams: per bot per conversation, "Send to conversation" 7 per 1 s, 8 per 2 s, 60 per 30 s,
 *     1800 per hour; 50 requests per second per app per tenant (an older copy of the page says 30)
 *     — https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit
 * Exits 1 if any reminder or command was delivered twice or never.
 *
 *   npm run bench:faults     (builds first)
 *   REMINDERS=2000 USERS=400 WINDOW_S=60 FAULT_AT_S=20 WORKERS=2 CONCURRENCY=20 STORM_S=10 RETRY_AFTER_S=2
 *   PG_DOWN_S=10 REDIS_DOWN_S=2 WORKER_DOWN_S=5 HELD_AT_KILL=10 KILL_RATE=150 KILLS=5 UP_MS=3000
 *   SCENARIOS=baseline,teams-baseline,worker-kill,redis-restart,pg-crash,slack-429,teams-429,web-kill
 *   JOB_LOCK_MS, OUTBOX_POLL_MS, OUTBOX_SWEEP_MS are passed on to the workers when set.
 *   BENCH_DETAIL=1 adds lag by due time (5 s buckets); FAULTS_LOG_DIR=… keeps every worker's JSON log
 *   and every platform request of each scenario there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { judgeReminders, printTable, type Fault, type Row } from './support/fault-report';
import { startPrivateStores, type PrivateStores } from './support/private-stores';
import { ReminderWorld, type Platform } from './support/reminder-world';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  reminders: num('REMINDERS', 2000),
  users: num('USERS', 400),
  windowMs: num('WINDOW_S', 60) * 1000,
  faultAtMs: num('FAULT_AT_S', 20) * 1000,
  workers: num('WORKERS', 2),
  concurrency: num('CONCURRENCY', 20),
  stormMs: num('STORM_S', 10) * 1000,
  retryAfterS: num('RETRY_AFTER_S', 2),
  pgDownMs: num('PG_DOWN_S', 10) * 1000,
  redisDownMs: num('REDIS_DOWN_S', 2) * 1000,
  workerDownMs: num('WORKER_DOWN_S', 5) * 1000,
};
const heldAtKill = num('HELD_AT_KILL', 10);
const passedOn = Object.fromEntries(['JOB_LOCK_MS', 'OUTBOX_POLL_MS', 'OUTBOX_SWEEP_MS'].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));
const entry = path.resolve(__dirname, '../dist/src/main.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stdout.write(`${line}\n`);
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

type Inject = (world: ReminderWorld, stores: PrivateStores) => Promise<Omit<Fault, 'name' | 'platform'>>;

/** One reminder scenario: a fresh world, plan, inject the fault mid-window, settle, judge. */
async function reminderScenario(stores: PrivateStores, name: string, platform: Platform, inject: Inject): Promise<Row> {
  log(`\n▶ ${name} (${platform})`);
  const load0 = os.loadavg()[0]!.toFixed(1);
  const world = await ReminderWorld.start({ stores, platform, entry, env: passedOn, log, ...settings });
  try {
    await world.plan();
    await world.until(world.dueStart + settings.faultAtMs);
    const fault: Fault = { name, platform, ...(await inject(world, stores)) };
    log(`  ${fault.timeline}`);
    await world.settle({ clearedAt: fault.cleared });
    const delivered = world.delivered();
    const missing = world.planned.filter((p) => !delivered.some((d) => d.key === p.key));
    const row = judgeReminders(fault, world.planned, delivered, world.requests(), await world.ledgerOf(missing));
    row.notes.push(await world.ledgerSummary(fault.cleared));
    row.notes.push(`machine load (1-min average) at the start and end: ${load0} → ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs (other work on the machine slows every row alike; compare with the baseline)`);
    const warnings = world.warnings();
    row.notes.push(`worker warnings (level ≥ 40, by message): ${warnings.size ? [...warnings].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${n}× ${m}`).join('; ') : 'none'}`);
    log(`  ${row.once} once, ${row.twice} twice, ${row.never} never`);
    return row;
  } finally {
    world.saveLogs(name);
    await world.stop();
  }
}

const baseline: Inject = async (world) => {
  const at = Date.now();
  return { start: at, cleared: at, timeline: `no fault; the measured point is ${clock(at)}, ${settings.faultAtMs / 1000} s into the window` };
};

/**
 * SIGKILL one of the workers while it has messages in hand: the fake Slack holds back its answers
 * to the next few chat.postMessage calls (Slack has posted them, the workers have not heard), so
 * the dead worker leaves claims behind whose messages did reach Slack — the case where a takeover
 * could post twice. A supervisor starts a new worker a few seconds later.
 */
const workerKill: Inject = async (world) => {
  const holds = Array.from({ length: heldAtKill }, () => world.slack!.holdNext('chat.postMessage'));
  const arrived = await Promise.race([Promise.all(holds.map((h) => h.arrived)).then(() => holds.length), sleep(10_000).then(() => -1)]);
  const start = Date.now();
  await world.killWorker(0);
  for (const h of holds) h.release();
  await sleep(settings.workerDownMs);
  await world.startWorker();
  const cleared = Date.now();
  return { start, cleared, timeline: `worker 1 SIGKILLed at ${clock(start)} with ${arrived < 0 ? 'fewer than ' : ''}${heldAtKill} chat.postMessage answers held back (both workers' calls; the dead one's were posted but never acknowledged); its replacement was up at ${clock(cleared)} (worker 2 ran throughout)` };
};

/** Redis killed (no persistence) and started again empty on the same port. */
const redisRestart: Inject = async (_world, stores) => {
  const start = Date.now();
  await stores.redis.kill();
  await sleep(settings.redisDownMs);
  await stores.redis.start();
  const cleared = Date.now();
  return { start, cleared, timeline: `Redis SIGKILLed at ${clock(start)}, started again empty at ${clock(cleared)}` };
};

/** PostgreSQL stopped in immediate mode (a crash: no checkpoint, recovery at the next start). */
const pgCrash: Inject = async (_world, stores) => {
  const start = Date.now();
  await stores.pg.crash();
  await sleep(settings.pgDownMs);
  await stores.pg.start();
  const cleared = Date.now();
  return { start, cleared, timeline: `PostgreSQL crashed (pg_ctl stop -m immediate) at ${clock(start)}, accepting connections again at ${clock(cleared)}` };
};

/** Every request answered 429 with Retry-After for a while. */
const storm: Inject = async (world) => {
  const start = Date.now();
  const untilMs = start + settings.stormMs;
  world.slack?.rateLimitStorm({ untilMs, retryAfter: settings.retryAfterS });
  world.teams?.rateLimitStorm({ untilMs, retryAfter: settings.retryAfterS });
  await world.until(untilMs);
  return { start, cleared: untilMs, retryAfterMs: settings.retryAfterS * 1000, timeline: `every request answered 429 (Retry-After: ${settings.retryAfterS}) from ${clock(start)} to ${clock(untilMs)}` };
};

/** The shared kill scenario (test/support/web-kill-scenario.ts), against the private stores. */
async function webKill(stores: PrivateStores): Promise<Row> {
  log('\n▶ web SIGKILL while acking (slack)');
  // The scenario's database helper reads TEST_DATABASE_URL when it is loaded (set in main), REDIS_URL when it runs.
  const { runWebKillScenario } = require('../test/support/web-kill-scenario') as typeof import('../test/support/web-kill-scenario');
  const rate = num('KILL_RATE', 150);
  const kills = num('KILLS', 5);
  const upMs = num('UP_MS', 3000);
  const r = await runWebKillScenario({ rate, kills, upMs, entry, settleMs: 60_000 });
  const row: Row = {
    fault: 'web SIGKILL while acking', n: r.acked, once: r.doneOnce, twice: r.twice, never: r.lost, failures: [],
    notes: [
      `against PostgreSQL 127.0.0.1:${stores.pg.port} and Redis 127.0.0.1:${stores.redis.port}: /visit commands at ${rate}/s into the web process, SIGKILLed ${r.kills} times after ${upMs} ms of serving each, one worker beside it (the shared scenario's set-up); N = commands acked`,
      `sent ${r.sent}, acked ${r.acked}, not acked ${r.notAcked}; not acked but done once anyway: ${r.doneAnyway}`,
      'lag is not measured by the shared scenario (it counts visits and answers only)',
      ...(r.examples.length ? [`examples: ${r.examples.join('; ')}`] : []),
    ],
  };
  if (r.twice) row.failures.push(`${r.twice} twice`);
  if (r.lost) row.failures.push(`${r.lost} never`);
  log(`  ${row.once} once, ${row.twice} twice, ${row.never} never`);
  return row;
}

const scenarios: Record<string, (stores: PrivateStores) => Promise<Row>> = {
  baseline: (s) => reminderScenario(s, 'none (baseline)', 'slack', baseline),
  'teams-baseline': (s) => reminderScenario(s, 'none (Teams baseline)', 'teams', baseline),
  'worker-kill': (s) => reminderScenario(s, 'worker SIGKILL', 'slack', workerKill),
  'redis-restart': (s) => reminderScenario(s, 'Redis restart (data lost)', 'slack', redisRestart),
  'pg-crash': (s) => reminderScenario(s, 'PostgreSQL crash + restart', 'slack', pgCrash),
  'slack-429': (s) => reminderScenario(s, 'Slack 429 storm', 'slack', storm),
  'teams-429': (s) => reminderScenario(s, 'Teams 429 storm', 'teams', storm),
  'web-kill': webKill,
};

async function main(): Promise<void> {
  if (!fs.existsSync(entry)) throw new Error('run `npm run build` first (the benchmark runs the compiled service)');
  const chosen = (process.env.SCENARIOS ?? Object.keys(scenarios).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of chosen) if (!scenarios[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  const started = Date.now();
  const stores = await startPrivateStores();
  // Whatever falls back to the environment (the shared test helpers) finds the private stores, never :5432 or :6379.
  process.env.DATABASE_URL = stores.pg.url('postgres');
  process.env.TEST_DATABASE_URL = stores.pg.url('postgres');
  process.env.REDIS_URL = stores.redis.url;
  log(`private PostgreSQL on 127.0.0.1:${stores.pg.port}, Redis on 127.0.0.1:${stores.redis.port}`);
  log(`${settings.reminders} reminders across ${settings.users} users due within ${settings.windowMs / 1000} s, fault ${settings.faultAtMs / 1000} s into the window; ${settings.workers} worker processes, concurrency ${settings.concurrency}${Object.keys(passedOn).length ? `; ${JSON.stringify(passedOn)}` : ''}`);
  const rows: Row[] = [];
  try {
    for (const name of chosen) {
      try {
        rows.push(await scenarios[name]!(stores));
      } catch (err) {
        log(`  scenario ${name} failed: ${err instanceof Error ? err.stack : String(err)}`);
        rows.push({ fault: name, n: 0, once: 0, twice: 0, never: 0, failures: ['scenario failed to run'], notes: [String(err)] });
      }
    }
  } finally {
    await stores.destroy();
  }
  log(`\nfaults benchmark: ${((Date.now() - started) / 60_000).toFixed(1)} min; target: 0 twice, 0 never, p99 after clear < 10 s, no request inside a Retry-After and no more than the published rates during a storm`);
  printTable(rows, (s) => process.stdout.write(s));
  if (rows.some((r) => r.twice > 0 || r.never > 0 || r.failures.includes('scenario failed to run'))) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
