/**
 * Benchmark: typed `visit <customer> <notes>` messages through POST /api/messages (TEAMS_DEV_MODE,
 * a fake Bot Framework connector) against the compiled service, beside a bare Teams AI app that
 * only replies to each message. The service makes the command durable and answers the POST; a
 * worker runs it and posts the real answer to the connector. Prints throughput at full load and
 * p50/p99 at 100 requests/s for both, the ratio, and how long the real answer took to reach the
 * connector (with a worker beside the web process); then checks that every message wrote one visit
 * and got one answer.
 *
 *   npm run bench:teams            (DURATION=10 CONNECTIONS=10 to change the load)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { Customer } from '../src/domain/customers/customer.entity';
import { searchNameOf } from '../src/domain/customers/customer-access';
import { User } from '../src/domain/org/user.entity';
import { Tenant } from '../src/domain/tenants/tenant.entity';
import { startFakeTeams, type FakeTeams } from '../test/support/fake-teams';
import { spawnService } from '../test/support/spawn-service';
import { spawnWorker } from '../test/support/spawn-worker';
import { createTestDatabase } from '../test/support/test-database';

const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 10);
const users = 50;
const aadTenant = randomUUID();
const aadUser = (u: number) => `00000000-0000-4000-8000-${String(u).padStart(12, '0')}`;
const customerName = (u: number) => `Teams Customer ${String(u).padStart(2, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let seq = 0;
let sentToSfa = 0;
const sentAt = new Map<string, number>();

/** A personal-chat message as Teams posts it; every one new (its own activity id). */
function message(fake: FakeTeams, toSfa: boolean, record: boolean) {
  const u = seq % users;
  const id = `bench-${seq++}`;
  if (toSfa) sentToSfa++;
  if (record) sentAt.set(id, Date.now());
  const activity = {
    type: 'message', id, timestamp: new Date().toISOString(), serviceUrl: fake.url, channelId: 'msteams', locale: 'en-US',
    text: `visit ${customerName(u)} met the CFO, ${id}`,
    from: { id: `29:${aadUser(u)}`, aadObjectId: aadUser(u), name: `Rep ${u}` },
    conversation: { id: `a:${aadUser(u)}`, conversationType: 'personal', tenantId: aadTenant },
    recipient: { id: '28:sfa-bot', name: 'SFA' },
    channelData: { tenant: { id: aadTenant } },
  };
  return { method: 'POST' as const, path: '/api/messages', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) };
}

async function load(port: number, fake: FakeTeams, opts: { rate?: number; seconds: number; record?: boolean; toSfa: boolean }) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.rate ? Math.max(4, connections) : connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [{ setupRequest: () => message(fake, opts.toSfa, opts.record ?? false) }],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
};

async function main() {
  const compiled = path.resolve(__dirname, '../dist/src/main.js');
  if (!fs.existsSync(compiled)) throw new Error('run `npm run build` first (the benchmark measures the compiled service)');
  const db = await createTestDatabase();
  const fake = await startFakeTeams();
  const runId = randomBytes(3).toString('hex');
  const env = { DATABASE_URL: db.url, TEAMS_DEV_MODE: 'true', QUEUE_PREFIX: `sfa-bench-teams-${runId}`, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
  const em = db.orm.em.fork();
  const tenant = em.create(Tenant, { slug: 'bench-teams', name: 'Bench Teams', teamsTenantId: aadTenant } as Tenant);
  await em.flush();
  const reps = Array.from({ length: users }, (_, u) => em.create(User, { tenantId: tenant.id, name: `Rep ${u}`, email: `rep${u}@teams.bench`, role: 'rep', teamsTenantId: aadTenant, teamsAadObjectId: aadUser(u) } as User));
  await em.flush();
  reps.forEach((rep, u) => em.create(Customer, { tenantId: tenant.id, name: customerName(u), searchName: searchNameOf(customerName(u)), ownerId: rep.id } as Customer));
  await em.flush();

  const service = await spawnService({ ...env, SFA_ROLE: 'web' }, 30_000, compiled);
  const bare = await spawnService({}, 30_000, path.join(__dirname, 'bare-teams.ts'));
  let worker: Awaited<ReturnType<typeof spawnWorker>> | undefined;
  try {
    const sfa = (o: { rate?: number; seconds: number; record?: boolean }) => load(service.port, fake, { ...o, toSfa: true });
    const plain = (o: { rate?: number; seconds: number }) => load(bare.port, fake, { ...o, toSfa: false });
    await sfa({ seconds: 2 }); // warm-up: every person's conversation reference is stored once
    await plain({ seconds: 2 });
    // The web process alone (the commands wait in the queue), as the bare app has no worker either.
    const full = { sfa: await sfa({ seconds: duration }), bare: await plain({ seconds: duration }) };
    const paced = { sfa: await sfa({ seconds: duration, rate: 100 }), bare: await plain({ seconds: duration, rate: 100 }) };

    const visits = async () => (await db.orm.em.fork().getConnection().execute(`select count(*)::int as n, count(distinct source_key)::int as keys from interactions`))[0] as { n: number; keys: number };
    const drained = async () => {
      for (let last = -1, stable = 0; stable < 4; await sleep(500)) {
        const { n } = await visits();
        stable = n === last ? stable + 1 : 0;
        last = n;
      }
    };
    const queued = sentToSfa;
    const drainStart = performance.now();
    worker = await spawnWorker({ ...env, WORKER_CONCURRENCY: process.env.CONCURRENCY ?? '8' }, { entry: compiled });
    await drained();
    const drainSeconds = (performance.now() - drainStart) / 1000;
    // Both at once on the same two cores, as a small deployment runs them: how long until the real answer.
    const together = await sfa({ seconds: duration, rate: 100, record: true });
    await drained();

    const answers = new Map<string, { n: number; at: number }>();
    for (const s of fake.sent) {
      if (!s.replyToId || !JSON.stringify(s.activity).includes('Logged your visit')) continue;
      const seen = answers.get(s.replyToId);
      answers.set(s.replyToId, { n: (seen?.n ?? 0) + 1, at: seen?.at ?? s.at.getTime() });
    }
    const lags = [...sentAt].filter(([id]) => answers.has(id)).map(([id, at]) => answers.get(id)!.at - at);
    const written = await visits();

    const row = (name: string, r: Awaited<ReturnType<typeof load>>) =>
      `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(8)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  errors ${r.errors}`;
    console.log(`\nTeams visit benchmark — ${duration}s per run, ${connections} connections, 2-core machine`);
    console.log(row('full load: SFA (durable, then 200)', full.sfa));
    console.log(row('full load: bare Teams AI (replies, then 200)', full.bare));
    console.log(row('100 req/s: SFA (web alone)', paced.sfa));
    console.log(row('100 req/s: bare Teams AI', paced.bare));
    console.log(row('100 req/s: SFA (worker answering beside it)', together));
    console.log(`throughput ratio SFA / bare: ${(full.sfa.rps / full.bare.rps).toFixed(2)}×  (target ≥ 0.5×)`);
    console.log(`worker drain: ${queued} queued messages run in ${drainSeconds.toFixed(1)} s (incl. worker start-up) = ${(queued / drainSeconds).toFixed(0)} commands/s`);
    console.log(`the real answer reached the connector: p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms after the message (100 req/s, worker beside the web process; ${lags.length} of ${sentAt.size} answered)`);
    console.log(`messages to SFA ${sentToSfa} · visits written ${written.n} · distinct activity keys ${written.keys} (duplicates ${written.n - written.keys}) · answered twice ${[...answers.values()].filter((a) => a.n > 1).length}`);
  } finally {
    service.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    worker?.child.kill('SIGTERM');
    await Promise.all([service.exit, bare.exit, worker?.exit]);
    await fake.close();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
