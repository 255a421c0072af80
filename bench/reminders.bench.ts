/**
 * Benchmark: 10,000 visit reminders due within the same minute across 500 users, planned through
 * the real use case (outbox rows), relayed to BullMQ and delivered by worker processes to the
 * fake Slack. Prints the delivery lag after the due time (p50/p99, raw and with Slack's
 * one-message-per-second-per-channel pacing taken out), throughput, duplicates and losses.
 *
 *   npm run bench:reminders     (builds first; REMINDERS=10000 USERS=500 WORKERS=2 CONCURRENCY=50 WINDOW_S=60)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { clearRedis } from '../test/support/clear-redis';
import { createTestDatabase } from '../test/support/test-database';
import { planVisit } from '../src/domain/activities/plan-visit';
import { Customer } from '../src/domain/customers/customer.entity';
import { searchNameOf } from '../src/domain/customers/customer-access';
import { User } from '../src/domain/org/user.entity';
import { userActor } from '../src/domain/shared/actor';
import { Tenant } from '../src/domain/tenants/tenant.entity';
import { startFakeSlack, type FakeCall } from '../test/support/fake-slack';
import { spawnWorker, type SpawnedWorker } from '../test/support/spawn-worker';

const reminders = Number(process.env.REMINDERS ?? 10_000);
const userCount = Number(process.env.USERS ?? 500);
const workerCount = Number(process.env.WORKERS ?? 2);
const concurrency = Number(process.env.CONCURRENCY ?? 50);
const windowMs = Number(process.env.WINDOW_S ?? 60) * 1000;
// Reminders (one per user by default) delivered 15 s before the measured minute, not measured:
// a worker that has been running, with every DM opened once before. WARMUP=0 measures a cold start.
const warmup = Number(process.env.WARMUP ?? userCount);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const leadMinutes = 30;
const paceMs = 1000;

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const { orm } = db;
  const prefix = `sfa-bench-${randomBytes(4).toString('hex')}`;
  const fake = await startFakeSlack({ team: { id: 'TBENCH', name: 'Bench Co' } });
  const workers: SpawnedWorker[] = [];
  try {
    // People and customers, written directly: the benchmark is about what happens after planning.
    const em = orm.em.fork();
    const tenant = em.create(Tenant, { slug: 'bench', name: 'Bench', slackTeamId: 'TBENCH' } as Tenant);
    await em.flush();
    const users = Array.from({ length: userCount }, (_, i) =>
      em.create(User, { tenantId: tenant.id, name: `Rep ${i}`, email: `rep${i}@bench.example`, role: 'rep', slackUserId: `UB${String(i).padStart(6, '0')}`, timezone: 'Asia/Shanghai', locale: i % 2 ? 'zh-CN' : 'en', reminderLeadMinutes: leadMinutes } as User),
    );
    await em.flush();
    const customers = users.map((u, i) => em.create(Customer, { tenantId: tenant.id, name: `Customer ${i}`, searchName: searchNameOf(`Customer ${i}`), ownerId: u.id } as Customer));
    await em.flush();

    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_API_URL: fake.url,
      WORKER_CONCURRENCY: String(concurrency),
    };
    // The workers run as production does: compiled JavaScript (the npm script builds first).
    // WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles them.
    const entry = path.resolve(__dirname, '../dist/src/main.js');
    if (!fs.existsSync(entry)) throw new Error('run `npm run build` first (the benchmark measures the compiled worker)');
    const execArgv = process.env.WORKER_NODE_ARGS?.split(' ').filter(Boolean);
    for (let i = 0; i < workerCount; i++) workers.push(await spawnWorker(env, { execArgv, entry }));

    // Every reminder falls due within one minute, starting once planning is surely done.
    const dueStart = Date.now() + 30_000 + (reminders + warmup) * 3;
    const planned: Array<{ key: string; due: number; channel: string }> = [];
    const warm: Array<{ key: string; due: number; channel: string }> = [];
    const jobs = [
      ...Array.from({ length: warmup }, (_, i) => ({ warm: true, user: users[i % userCount]!, customer: customers[i % userCount]!, due: dueStart - 15_000 + Math.floor(Math.random() * 5000) })),
      ...Array.from({ length: reminders }, (_, i) => ({ warm: false, user: users[i % userCount]!, customer: customers[i % userCount]!, due: dueStart + Math.floor(Math.random() * windowMs) })),
    ];
    const planStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          const scheduledAt = new Date(job.due + leadMinutes * 60_000);
          const visit = await planVisit(orm.em.fork(), userActor(tenant.id, job.user.id, 'rep'), { customerId: job.customer.id, scheduledAt });
          (job.warm ? warm : planned).push({ key: `visit-reminder.${visit.id}.${scheduledAt.getTime()}`, due: job.due, channel: `D${job.user.slackUserId!.slice(1)}` });
        }
      }),
    );
    const planMs = Date.now() - planStarted;
    process.stdout.write(`planned ${jobs.length} visits (${warm.length} for the warm-up) in ${sec(planMs)} (${Math.round(jobs.length / (planMs / 1000))}/s); the measured minute starts in ${sec(dueStart - Date.now())}\n`);
    if (Date.now() > dueStart) process.stdout.write('warning: planning overran the first due time\n');

    // Wait until everything is delivered, or nothing moved for 30 s after the last due time.
    const lastDue = Math.max(...planned.map((p) => p.due));
    const measured = new Set(planned.map((p) => p.key));
    const all = () => fake.callsTo('chat.postMessage').filter((c) => c.ok);
    const ok = () => all().filter((c) => measured.has(c.args.metadata?.event_payload?.key));
    let seen = 0;
    let quietSince = Date.now();
    for (;;) {
      await sleep(500);
      const n = ok().length;
      if (n !== seen) { seen = n; quietSince = Date.now(); }
      if (n >= planned.length && Date.now() > lastDue) break;
      if (Date.now() > lastDue + 30_000 && Date.now() - quietSince > 30_000) break;
    }
    await sleep(2000); // a late duplicate would show up here

    const byKey = new Map<string, FakeCall[]>();
    for (const call of ok()) {
      const key = call.args.metadata?.event_payload?.key as string;
      byKey.set(key, [...(byKey.get(key) ?? []), call]);
    }
    const everyKey = new Map<string, number>();
    for (const call of all()) everyKey.set(call.args.metadata?.event_payload?.key, (everyKey.get(call.args.metadata?.event_payload?.key) ?? 0) + 1);
    // Duplicates and losses count the warm-up too.
    const duplicates = [...everyKey.values()].reduce((n, count) => n + count - 1, 0);
    const lostWarm = warm.filter((w) => !everyKey.has(w.key)).length;
    const lost = [...planned.filter((p) => !byKey.has(p.key)), ...Array.from({ length: lostWarm })];
    const lags: number[] = [];
    const excess: number[] = [];
    let tooClose = 0;
    let minGap = Infinity;
    const byChannel = new Map<string, Array<{ due: number; at: number }>>();
    for (const p of planned) {
      const first = byKey.get(p.key)?.[0];
      if (!first) continue;
      lags.push(first.at.getTime() - p.due);
      byChannel.set(p.channel, [...(byChannel.get(p.channel) ?? []), { due: p.due, at: first.at.getTime() }]);
    }
    // With pacing, the k-th message of a channel can go out no sooner than max(its due time, the previous one + 1 s).
    for (const list of byChannel.values()) {
      const dues = list.map((m) => m.due).sort((a, b) => a - b);
      const ats = list.map((m) => m.at).sort((a, b) => a - b);
      let ideal = -Infinity;
      dues.forEach((due, k) => {
        ideal = Math.max(due, ideal + paceMs);
        excess.push(ats[k]! - ideal);
        if (k > 0 && ats[k]! - ats[k - 1]! < paceMs * 0.9) tooClose++;
        if (k > 0) minGap = Math.min(minGap, ats[k]! - ats[k - 1]!);
      });
    }
    lags.sort((a, b) => a - b);
    excess.sort((a, b) => a - b);
    const ats = ok().map((c) => c.at.getTime());
    const span = Math.max(...ats) - Math.min(...ats);
    const firstDue = Math.min(...planned.map((p) => p.due));
    const lines = [
      `reminders: ${planned.length} across ${userCount} users, due within ${sec(windowMs)}; ${workerCount} worker process(es), concurrency ${concurrency}; warm-up: ${warm.length ? `${warm.length} reminders just before` : 'none (cold start)'}`,
      `delivered: ${byKey.size}   duplicates: ${duplicates}   lost: ${lost.length}`,
      `lag after due time:            p50 ${sec(pct(lags, 50))}   p99 ${sec(pct(lags, 99))}   max ${sec(lags.at(-1) ?? NaN)}`,
      `lag beyond per-channel pacing: p50 ${sec(pct(excess, 50))}   p99 ${sec(pct(excess, 99))}   max ${sec(excess.at(-1) ?? NaN)}`,
      `throughput: ${(ats.length / (span / 1000)).toFixed(0)} messages/s over ${sec(span)}; all delivered ${sec(Math.max(...ats) - firstDue)} after the first due time`,
      `pacing: ${tooClose} messages less than 0.9 s after the previous one in the same DM (closest: ${sec(minGap)}); platform-limit violations: ${fake.violations().length}`,
      `Slack calls: ${fake.callsTo('chat.postMessage').length} chat.postMessage, ${fake.callsTo('conversations.open').length} conversations.open, ${fake.callsTo('conversations.history').length} conversations.history`,
    ];
    if (process.env.BENCH_DETAIL) {
      // Lag by due time, 10 s buckets: a backlog that builds up shows as a rising p50.
      const buckets = new Map<number, number[]>();
      for (const p of planned) {
        const first = byKey.get(p.key)?.[0];
        if (!first) continue;
        const b = Math.floor((p.due - firstDue) / 10_000);
        buckets.set(b, [...(buckets.get(b) ?? []), first.at.getTime() - p.due]);
      }
      for (const [b, l] of [...buckets].sort((x, y) => x[0] - y[0])) {
        l.sort((x, y) => x - y);
        lines.push(`  due +${b * 10}s: ${l.length} msgs, lag p50 ${sec(pct(l, 50))} p99 ${sec(pct(l, 99))}`);
      }
    }
    const problems = new Map<string, number>();
    for (const entry of workers.flatMap((w) => w.logs)) if (Number(entry.level) >= 40) problems.set(String(entry.msg), (problems.get(String(entry.msg)) ?? 0) + 1);
    lines.push(`worker warnings: ${problems.size ? [...problems].map(([msg, n]) => `${n}× ${msg}`).join('; ') : 'none'}`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
    if (duplicates || lost.length) process.exitCode = 1;
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exit));
    await fake.close();
    await db.drop();
    await clearRedis(redisUrl, prefix);
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
