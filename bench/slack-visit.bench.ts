/**
 * Benchmark: signed `/visit <customer> <notes>` commands against the real service, beside a bare
 * Bolt app that only acks the same requests. The web process acks a writing command and queues
 * it; worker processes run it (PostgreSQL writes, audit) and answer through the response_url.
 * Prints ack throughput at full load and ack latency at a fixed 100 requests/s (web alone, then
 * with a worker draining beside it on the same two cores), the ratio to bare Bolt, and the
 * worker's drain rate: commands run to completion per second, and that every one was written once.
 *
 *   npm run bench:slack            (DURATION=10 CONNECTIONS=10 to change the load)
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createTestDatabase } from '../test/support/test-database';
import { Customer } from '../src/domain/customers/customer.entity';
import { searchNameOf } from '../src/domain/customers/customer-access';
import { User } from '../src/domain/org/user.entity';
import { Tenant } from '../src/domain/tenants/tenant.entity';
import { startFakeSlack } from '../test/support/fake-slack';
import { spawnService } from '../test/support/spawn-service';
import { spawnWorker, type SpawnedWorker } from '../test/support/spawn-worker';

const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 10);
const signingSecret = 'bench-signing-secret';
const teamId = 'TBENCH';
const users = 50;

const runId = randomBytes(3).toString('hex');
// Zero-padded, so no name is the start of another ("Customer 1" would match "Customer 10" too).
const customerName = (u: number) => `Bench Customer ${String(u).padStart(2, '0')}`;
let responseUrlBase = '';

function signedVisit(userIndex: number, seq: number) {
  const params = new URLSearchParams({
    token: 'x', team_id: teamId, team_domain: 'bench', channel_id: 'CBENCH', channel_name: 'bench',
    user_id: `UBENCH${userIndex}`, user_name: `rep${userIndex}`, command: '/visit',
    text: `${customerName(userIndex)} met the CFO, visit ${seq}`, api_app_id: 'ABENCH',
    response_url: `${responseUrlBase}/response/r${seq}`, trigger_id: `${runId}.${seq}.bench`,
  });
  const body = params.toString();
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { method: 'POST' as const, path: '/slack/events', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature } };
}

// Every request is new (its own trigger id), as Slack's would be: a repeated one would be deduplicated.
let seq = 0;

/**
 * Signed before the run: signing on the fly cost the load generator a core of its own, and on two
 * cores it then measured itself rather than the servers. More than any run can send.
 */
const presign = (seconds: number) => Array.from({ length: Math.min(150_000, 12_000 * seconds) }, () => signedVisit(seq % users, seq++));

async function load(port: number, opts: { rate?: number; seconds: number }) {
  const signed = presign(opts.seconds);
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.rate ? Math.max(4, connections) : connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [{ setupRequest: () => signed[next++] ?? signedVisit(seq % users, seq++) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    total: result.requests.total,
  };
}

async function main() {
  const db = await createTestDatabase();
  const { orm, url: databaseUrl } = db;
  const fake = await startFakeSlack({ team: { id: teamId, name: 'Bench' } });
  const queuePrefix = `sfa-bench-${runId}`;
  const env = {
    SFA_ROLE: 'web', DATABASE_URL: databaseUrl, SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: fake.url, LOG_LEVEL: 'info', QUEUE_PREFIX: queuePrefix, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  responseUrlBase = fake.origin;
  // The service runs as production does: compiled JavaScript (npm run build first).
  const compiled = path.resolve(__dirname, '../dist/src/main.js');
  if (!fs.existsSync(compiled)) throw new Error('run `npm run build` first (the benchmark measures the compiled service)');
  // PROFILE_DIR=/tmp/prof writes a CPU profile of the web process (open it in Chrome DevTools).
  const service = await spawnService(env, 20_000, compiled, process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`] : []);
  // Seed after start-up so the tenant the service created from auth.test gets the data.
  const em = orm.em.fork();
  const tenant = await em.findOneOrFail(Tenant, { slackTeamId: teamId });
  // Users first: the customers' owner ids are plain columns, so the ORM cannot order the inserts.
  const reps = Array.from({ length: users }, (_, u) => em.create(User, { tenantId: tenant.id, name: `Rep ${u}`, email: `rep${u}@bench.test`, role: 'rep', slackTeamId: teamId, slackUserId: `UBENCH${u}` } as User));
  await em.flush();
  reps.forEach((rep, u) => em.create(Customer, { tenantId: tenant.id, name: customerName(u), searchName: searchNameOf(customerName(u)), ownerId: rep.id } as Customer));
  await em.flush();

  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const commands = new Queue('commands', { connection: redis, prefix: queuePrefix });
  const pending = async () => {
    const c = await commands.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
  };
  const visits = async () => (await orm.em.fork().getConnection().execute(`select count(*)::int as n, count(distinct source_key)::int as keys from interactions`))[0] as { n: number; keys: number };

  const bare = await spawnService({ SLACK_SIGNING_SECRET: signingSecret }, 20_000, path.join(__dirname, 'bare-bolt.ts'));
  let worker: SpawnedWorker | undefined;
  try {
    await load(service.port, { seconds: 2 }); // warm-up
    await load(bare.port, { seconds: 2 });
    // The web process alone: what it costs to acknowledge and queue.
    const full = { sfa: await load(service.port, { seconds: duration }), bare: await load(bare.port, { seconds: duration }) };
    const paced = { sfa: await load(service.port, { seconds: duration, rate: 100 }), bare: await load(bare.port, { seconds: duration, rate: 100 }) };

    const row = (name: string, r: Awaited<ReturnType<typeof load>>) =>
      `${name.padEnd(40)} ${r.rps.toFixed(0).padStart(8)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  errors ${r.errors}`;
    const ratio = `throughput ratio SFA / bare: ${((full.sfa.rps / full.bare.rps) * 100).toFixed(1)} %  (target ≥ 50 %)`;
    if (process.env.ACK_ONLY) {
      console.log(row('full load: SFA ack (web alone)', full.sfa));
      console.log(row('full load: bare Bolt ack', full.bare));
      console.log(ratio);
      return;
    }
    // Then a worker drains what was queued: commands run to completion per second.
    const queued = await pending();
    const drainStart = performance.now();
    worker = await spawnWorker({ ...env, WORKER_CONCURRENCY: process.env.CONCURRENCY ?? '8' }, { entry: compiled });
    while ((await pending()) > 0) await sleep(100);
    const drainSeconds = (performance.now() - drainStart) / 1000;

    // Both at once on the same two cores, as a small deployment runs them.
    const before = (await visits()).n;
    const together = await load(service.port, { seconds: duration, rate: 100 });
    const loadEnded = performance.now();
    while ((await pending()) > 0) await sleep(50);
    const catchUpMs = performance.now() - loadEnded;
    const written = await visits();
    const answered = new Set(fake.responses.map((r) => r.id)).size;
    const otherAnswers = fake.responses.filter((r) => !JSON.stringify(r.body).includes('Logged'));

    console.log(`\n/visit benchmark — ${duration}s per run, ${connections} connections, 2-core machine`);
    console.log(row('full load: SFA ack (web alone)', full.sfa));
    console.log(row('full load: bare Bolt ack', full.bare));
    console.log(row('100 req/s: SFA ack (web alone)', paced.sfa));
    console.log(row('100 req/s: bare Bolt ack', paced.bare));
    console.log(row('100 req/s: SFA ack (worker draining too)', together));
    console.log(ratio);
    console.log(`p99 at 100 req/s: ${paced.sfa.p99} ms web alone, ${together.p99} ms with the worker beside it  (target < 100 ms)`);
    console.log(`worker drain: ${queued} queued commands run in ${drainSeconds.toFixed(1)} s (incl. worker start-up) = ${(queued / drainSeconds).toFixed(0)} commands/s`);
    console.log(`at 100 req/s with the worker running: ${written.n - before} visits written; the last one ${catchUpMs.toFixed(0)} ms after the load stopped`);
    if (otherAnswers.length) console.log(`answers other than "Logged": ${otherAnswers.length}, e.g. ${JSON.stringify(otherAnswers[0]!.body).slice(0, 300)}`);
    console.log(`visits written: ${written.n}, distinct trigger ids: ${written.keys} (duplicates: ${written.n - written.keys}); answers posted: ${answered}`);
  } finally {
    service.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    worker?.child.kill('SIGTERM');
    await Promise.all([service.exit, bare.exit, worker?.exit]);
    await commands.obliterate({ force: true }).catch(() => undefined);
    await commands.close();
    redis.disconnect();
    await fake.close();
    await db.drop();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
