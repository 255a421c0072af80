/**
 * Benchmark: `POST /api/signals` against the real (compiled) web process, beside a bare express
 * handler that only parses the same JSON and answers 202.
 *
 * (a) sustained events/s accepted: signed batches of 1,000 new events, a few connections, for
 *     DURATION seconds each (rate limits raised by env so they never bind);
 * (b) events/s processed by one worker: the backlog (a) left — staged requests, a Redis stream entry each — is
 *     expanded into events and processed (matched to customers, the tenant's rules run) by a
 *     worker process, timed from the worker being ready to its last processed event;
 * (c) 100,000 events posted in parallel, a share of the batches redelivered twice at the same
 *     time (signed or bearer), while a worker expands and processes: exactly 100,000 rows, each
 *     processed once, none lost, none double-counted, nothing left staged (stream or table).
 *
 *   npm run bench:signals           (DURATION=10 CONNECTIONS=4 to change the load; BACKLOG=100
 *                                    requests kept for (b); PROFILE_DIR=… for a CPU profile of the web process)
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { Customer } from '../src/domain/customers/customer.entity';
import { searchNameOf } from '../src/domain/customers/customer-access';
import { User } from '../src/domain/org/user.entity';
import { createApiKey } from '../src/domain/signals/create-api-key';
import { systemActor } from '../src/domain/shared/actor';
import { Tenant } from '../src/domain/tenants/tenant.entity';
import { stagedStreamKey } from '../src/jobs/signal-stream';
import { clearRedis } from '../test/support/clear-redis';
import { spawnService } from '../test/support/spawn-service';
import { spawnWorker, type SpawnedWorker } from '../test/support/spawn-worker';
import { createTestDatabase } from '../test/support/test-database';

const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 4);
const batchSize = 1000;
const totalForC = Number(process.env.EVENTS ?? 100_000);
const encryptionKey = `bench-signals-${randomBytes(16).toString('hex')}`;
const runId = randomBytes(3).toString('hex');
const customers = 200;
const types = ['page_view', 'page_view', 'page_view', 'download', 'seminar_attended', 'form_submitted'] as const;

type Key = { key: string; prefix: string };
let seq = 0;

/** A batch of new events, about a third naming a known customer's email domain, the rest strangers. */
function events(n: number, tag: string) {
  const at = new Date().toISOString();
  return Array.from({ length: n }, () => {
    const i = seq++;
    const known = i % 3 === 0;
    return {
      id: `${tag}-${runId}-${i}`,
      type: types[i % types.length],
      at,
      customer: known ? { email: `buyer${i % 50}@customer${i % customers}.example` } : { email: `someone${i}@stranger${i % 997}.example`, name: `Stranger ${i % 997}` },
      product_sku: `SKU-${i % 20}`,
      url: `https://www.example.com/products/sku-${i % 20}?utm_source=bench`,
      properties: { campaign: 'winter', visit: i },
    };
  });
}

const signedHeaders = (k: Key, body: string, ts = Math.floor(Date.now() / 1000)) => ({
  'content-type': 'application/json',
  'x-sfa-key': k.prefix,
  'x-sfa-timestamp': String(ts),
  'x-sfa-signature': `v1=${createHmac('sha256', k.key).update(`v1:${ts}:${body}`).digest('hex')}`,
});

/**
 * Batches of new events, signed: one template body whose ids carry an 8-character slot, copied
 * and stamped with the request's number (a memcpy and 1,000 small writes), then signed. `prepare`
 * makes them before a run, so the load generator only sends bytes during it (it shares the two
 * cores with the servers and PostgreSQL); SFA needs every request new (a signed request sent
 * twice is refused as a replay), the bare handlers get theirs over and over.
 */
function batchMaker(k: Key, tag: string) {
  const slot = '########';
  const template = Buffer.from(JSON.stringify({ events: events(batchSize, `${tag}-${slot}`) }));
  const offsets: number[] = [];
  for (let at = template.indexOf(slot); at >= 0; at = template.indexOf(slot, at + slot.length)) offsets.push(at);
  let made = 0;
  const make = () => {
    const body = Buffer.from(template);
    const stamp = String(made++).padStart(slot.length, '0');
    for (const at of offsets) body.write(stamp, at, 'latin1');
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': 'application/json', 'x-sfa-key': k.prefix, 'x-sfa-timestamp': String(ts), 'x-sfa-signature': `v1=${createHmac('sha256', k.key).update(`v1:${ts}:`).update(body).digest('hex')}` };
    return { method: 'POST' as const, path: '/api/signals', body, headers };
  };
  const prepare = (count: number, cycle: boolean) => {
    const ready = Array.from({ length: count }, make);
    let next = 0;
    // Past the prepared ones: made on the spot (new), or the same again.
    return () => (next < ready.length ? ready[next++]! : cycle ? ready[next++ % ready.length]! : make());
  };
  return { make, prepare, made: () => made };
}

/** CPU seconds (user + system) used so far by these processes, from /proc. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}
const pidsNamed = (name: string) => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d) && (() => { try { return fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name; } catch { return false; } })()).map(Number);
const postgresPids = () => pidsNamed('postgres');
/** The Redis server, when it runs on this machine (it shares the cores too). */
const redisPids = () => pidsNamed('redis-server');

async function load(port: number, next: () => ReturnType<ReturnType<typeof batchMaker>['make']>, seconds = duration, serverPid?: number) {
  const pg = postgresPids();
  const rd = redisPids();
  const before = { server: serverPid ? cpuSeconds([serverPid]) : 0, pg: cpuSeconds(pg), redis: cpuSeconds(rd), generator: process.cpuUsage() };
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [{ setupRequest: () => next() as never }],
  });
  const generated = process.cpuUsage(before.generator);
  const per = (cpu: number) => (result['2xx'] ? (cpu * 1000) / result['2xx'] : 0);
  // CPU per answered request: the server, PostgreSQL (every backend, other users' too), the load generator.
  const cpu = { server: per(serverPid ? cpuSeconds([serverPid]) - before.server : 0), pg: per(cpuSeconds(pg) - before.pg), redis: per(cpuSeconds(rd) - before.redis), generator: per((generated.user + generated.system) / 1e6) };
  return {
    rps: result.requests.average,
    eventsPerSecond: (result['2xx'] * batchSize) / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
    cpu,
    seconds: result.duration,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const compiled = path.resolve(__dirname, '../dist/src/main.js');
  if (!fs.existsSync(compiled)) throw new Error('run `npm run build` first (the benchmark measures the compiled service)');
  const db = await createTestDatabase();
  const { orm } = db;
  const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await orm.em.fork().getConnection().execute(text, params)) as T[];
  const queuePrefix = `sfa-bench-signals-${runId}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const env = {
    DATABASE_URL: db.url, REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix, ENCRYPTION_KEY: encryptionKey,
    SIGNALS_EVENTS_PER_MINUTE: '100000000', SIGNALS_REQUESTS_PER_SECOND: '1000000',
  };

  // The tenant, its people and customers, and two keys (the CLI's way: a system actor).
  const em = orm.em.fork();
  const tenant = em.create(Tenant, { slug: `bench-${runId}`, name: 'Bench Co' } as Tenant);
  await em.flush();
  const reps = Array.from({ length: 10 }, (_, r) => em.create(User, { tenantId: tenant.id, name: `Rep ${r}`, email: `rep${r}@bench.example`, role: 'rep' } as User));
  await em.flush();
  for (let c = 0; c < customers; c++) {
    const name = `Customer ${String(c).padStart(3, '0')}`;
    em.create(Customer, { tenantId: tenant.id, name, searchName: searchNameOf(name), ownerId: c % 4 === 0 ? null : reps[c % reps.length]!.id, email: `info@customer${c}.example` } as Customer);
  }
  await em.flush();
  const makeKey = async (name: string): Promise<Key> => {
    const created = await createApiKey(orm.em.fork(), systemActor(tenant.id, 'bench'), { name }, { encryptionKey });
    return { key: created.plaintext, prefix: created.key.prefix };
  };
  const keyA = await makeKey('bench-a');
  const keyC = await makeKey('bench-c');
  // Where SFA stages accepted requests (a Redis stream entry each; PostgreSQL's signal_batches only when Redis is slow).
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const stream = stagedStreamKey(queuePrefix, tenant.id);
  /** Keeps the oldest `keep` entries of the stream, deletes the rest (in Redis, a chunk at a time: the bodies never travel). */
  const keepOldest = (keep: number) =>
    redis.eval(
      `local first = redis.call('xrange', KEYS[1], '-', '+', 'COUNT', tonumber(ARGV[1]))
       if #first == 0 then return redis.call('del', KEYS[1]) end
       local cut, n = first[#first][1], 0
       while true do
         local r = redis.call('xrange', KEYS[1], '(' .. cut, '+', 'COUNT', 20)
         if #r == 0 then break end
         for _, e in ipairs(r) do redis.call('xdel', KEYS[1], e[1]); n = n + 1 end
       end
       return n`,
      1, stream, keep,
    );
  /** Events waiting in the stream, exactly (each entry's events minus its skip indexes). */
  const streamEvents = async () => {
    let n = 0;
    for (let from = '-'; ; ) {
      const entries = await redis.xrange(stream, from, '+', 'COUNT', 20);
      for (const [, fields] of entries) {
        const f = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]));
        n += (JSON.parse(f.b!) as { events: unknown[] }).events.length - (f.s ? f.s.split(',').length : 0);
      }
      if (entries.length < 20) return n;
      from = `(${entries[entries.length - 1]![0]}`;
    }
  };

  // PROFILE_DIR=/tmp/prof: the web process writes a CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`] : [];
  const service = await spawnService({ ...env, SFA_ROLE: 'web' }, 30_000, compiled, profile);
  const bare = await spawnService({}, 20_000, path.join(__dirname, 'bare-signals.ts'));
  // A second tenant for the storing baseline, so its rows never mix with SFA's.
  const bareEm = orm.em.fork();
  const bareTenant = bareEm.create(Tenant, { slug: `bench-bare-${runId}`, name: 'Bare Co' } as Tenant);
  await bareEm.flush();
  const bareStore = await spawnService({ DATABASE_URL: db.url, BARE_TENANT_ID: bareTenant.id }, 20_000, path.join(__dirname, 'bare-signals.ts'));
  let worker: SpawnedWorker | undefined;
  try {
    // (a) Warm-up, then each server in turn with the same kind of batches.
    // Warm-up, then the measured runs; all three servers get the same kind of requests, made the same way, before the run.
    const prepared = Number(process.env.PREPARED ?? 350 * duration);
    await load(service.port, batchMaker(keyA, 'warm').prepare(600, false), 3);
    await redis.unlink(stream);
    await load(bare.port, batchMaker(keyA, 'warm-bare').prepare(200, true), 3);
    await load(bareStore.port, batchMaker(keyA, 'warm-store').prepare(200, true), 3);
    const sfa = await load(service.port, batchMaker(keyA, 'a').prepare(prepared, false), duration, service.child.pid);
    const baseline = await load(bare.port, batchMaker(keyA, 'a-bare').prepare(200, true), duration, bare.child.pid);
    const storing = await load(bareStore.port, batchMaker(keyA, 'a-store').prepare(200, true), duration, bareStore.child.pid);
    const row = (name: string, r: Awaited<ReturnType<typeof load>>) =>
      `${name.padEnd(52)} ${r.eventsPerSecond.toFixed(0).padStart(8)} events/s  ${r.rps.toFixed(1).padStart(6)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  non-2xx ${r.non2xx}  CPU ms/request: server ${r.cpu.server.toFixed(2)}, PostgreSQL ${r.cpu.pg.toFixed(2)}, Redis ${r.cpu.redis.toFixed(2)}, load generator ${r.cpu.generator.toFixed(2)}`;
    // What SFA's runs staged (requests as received, one row each; the worker makes them events):
    // the first BACKLOG requests (100,000 events) are kept for the worker to drain, the rest dropped.
    const backlogRequests = Number(process.env.BACKLOG ?? 100);
    await sql(`delete from signal_batches where tenant_id = ? and id not in (select id from signal_batches where tenant_id = ? order by id limit ?)`, [tenant.id, tenant.id, backlogRequests]);
    const inPostgres = Number((await sql<{ n: string }>(`select count(*) as n from signal_batches where tenant_id = ?`, [tenant.id]))[0]!.n);
    await keepOldest(Math.max(0, backlogRequests - inPostgres));
    const stagedIn = async () => ({ redis: await redis.xlen(stream), postgres: Number((await sql<{ n: string }>(`select count(*) as n from signal_batches where tenant_id = ?`, [tenant.id]))[0]!.n) });
    const stagedWhere = await stagedIn();
    /** Events staged and not yet expanded: in PostgreSQL's table and in the Redis stream (exact). */
    const staged = async () => Number((await sql<{ n: string }>(`select coalesce(sum(jsonb_array_length(body::jsonb -> 'events') - cardinality(skip)), 0) as n from signal_batches where tenant_id = ?`, [tenant.id]))[0]!.n) + (await streamEvents());
    /** Cheap, for polling: staged requests (entries and rows) — zero exactly when staged() is. */
    const stagedRequests = async () => { const s = await stagedIn(); return s.redis + s.postgres; };
    const stored = await staged();

    // (b) One worker drains the backlog: expands the staged requests, processes the events.
    const backlog = stored + Number((await sql<{ n: string }>(`select count(*) as n from signal_events where tenant_id = ? and status = 'pending'`, [tenant.id]))[0]!.n);
    const drainStart = performance.now();
    worker = await spawnWorker({ ...env, WORKER_CONCURRENCY: process.env.CONCURRENCY ?? '4' }, { entry: compiled });
    const readyAt = Date.now();
    let drain: string;
    const pending = async () => (await stagedRequests()) * batchSize + Number((await sql<{ n: string }>(`select count(*) as n from signal_events where tenant_id = ? and status = 'pending'`, [tenant.id]))[0]!.n);
    const deadline = Date.now() + 10 * 60_000;
    let last = backlog;
    let lastChange = Date.now();
    while ((last = await pending()) > 0 && Date.now() < deadline) {
      await sleep(250);
      const now = await pending();
      if (now !== last) lastChange = Date.now();
      // Nothing moves for a minute: processing is failing (the job's errors are in the worker's log).
      if (Date.now() - lastChange > 60_000) break;
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const span = (await sql<{ first: Date | null; last: Date | null; n: string }>(`select min(processed_at) as first, max(processed_at) as last, count(processed_at) as n from signal_events where tenant_id = ?`, [tenant.id]))[0]!;
    const spanSeconds = span.first && span.last ? (new Date(span.last).getTime() - new Date(span.first).getTime()) / 1000 : 0;
    const failures = worker.logs.filter((l) => l.level === 50 || l.level === 40).map((l) => String(l.err ?? l.msg)).slice(0, 3);
    if (last > 0) drain = `worker drain: ${backlog - last} of ${backlog} processed, ${last} still pending after ${drainSeconds.toFixed(0)} s — processing fails or stalls${failures.length ? `: ${failures.join(' | ')}` : ''}`;
    else {
      const readySeconds = span.last ? (new Date(span.last).getTime() - readyAt) / 1000 : drainSeconds;
      drain = `worker drain: ${backlog} events expanded and processed in ${readySeconds.toFixed(1)} s from the worker being ready to the last processed = ${(backlog / Math.max(readySeconds, 0.001)).toFixed(0)} events/s (first to last processed ${spanSeconds.toFixed(1)} s; ${drainSeconds.toFixed(1)} s = ${(backlog / drainSeconds).toFixed(0)} events/s incl. worker start-up)`;
    }

    // (c) 100,000 events, a share of batches redelivered twice at once, signed or bearer, while the worker runs.
    const tag = `c-${runId}`;
    const before = Number((await sql<{ n: string }>(`select count(*) as n from signal_events where tenant_id = ?`, [tenant.id]))[0]!.n);
    const batches = Array.from({ length: Math.ceil(totalForC / batchSize) }, (_, b) => JSON.stringify({ events: events(Math.min(batchSize, totalForC - b * batchSize), tag) }));
    const redelivered = new Set(batches.map((_, b) => b).filter((b) => b % 5 === 0));
    // Copy 0 signed now, copy 1 bearer, copy 2 signed with a timestamp 2 minutes back (inside the window): a sender re-signs what it sends again (the identical signed request would be a replay).
    const sends = batches.flatMap((body, b) => (redelivered.has(b) ? [0, 1, 2] : [0]).map((copy) => ({ body, copy })));
    const totals = { accepted: 0, duplicates: 0, rejected: 0, non202: 0, retried429: 0 };
    const cStart = performance.now();
    let cursor = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (cursor < sends.length) {
          const send = sends[cursor++]!;
          for (;;) {
            const headers = send.copy === 1 ? { 'content-type': 'application/json', authorization: `Bearer ${keyC.key}`, 'x-forwarded-proto': 'https' } : signedHeaders(keyC, send.body, Math.floor(Date.now() / 1000) - (send.copy === 2 ? 120 : 0));
            const res = await fetch(`http://127.0.0.1:${service.port}/api/signals`, { method: 'POST', headers, body: send.body });
            const answer = (await res.json()) as { accepted?: number; duplicates?: number; rejected?: unknown[] };
            if (res.status === 429) { totals.retried429++; await sleep(1000 * Number(res.headers.get('retry-after') ?? 1)); continue; }
            if (res.status !== 202) totals.non202++;
            totals.accepted += answer.accepted ?? 0;
            totals.duplicates += answer.duplicates ?? 0;
            totals.rejected += answer.rejected?.length ?? 0;
            break;
          }
        }
      }),
    );
    const postSeconds = (performance.now() - cStart) / 1000;
    const processDeadline = Date.now() + 10 * 60_000;
    const cPending = async () => (await stagedRequests()) + Number((await sql<{ n: string }>(`select count(*) as n from signal_events where tenant_id = ? and event_id like ? and status = 'pending'`, [tenant.id, `${tag}-%`]))[0]!.n);
    while ((await cPending()) > 0 && Date.now() < processDeadline) await sleep(250);
    const cSeconds = (performance.now() - cStart) / 1000;
    const c = (await sql<{ rows: string; ids: string; pending: string; matched: string; unmatched: string; processed: string }>(
      `select count(*) as rows, count(distinct event_id) as ids, count(*) filter (where status = 'pending') as pending,
              count(*) filter (where status = 'matched') as matched, count(*) filter (where status = 'unmatched') as unmatched,
              count(processed_at) as processed
         from signal_events where tenant_id = ? and event_id like ?`,
      [tenant.id, `${tag}-%`],
    ))[0]!;
    const after = Number((await sql<{ n: string }>(`select count(*) as n from signal_events where tenant_id = ?`, [tenant.id]))[0]!.n);
    // Each request answers for its own batch (a redelivery's events are recognised by the worker): every copy is accepted whole.
    const expectedAccepted = sends.reduce((n, send) => n + (JSON.parse(send.body) as { events: unknown[] }).events.length, 0);
    const left = await staged();
    const lost = totalForC - Number(c.rows);
    const doubled = Number(c.rows) - Number(c.ids);
    const ok = lost === 0 && doubled === 0 && totals.accepted === expectedAccepted && totals.duplicates === 0 && totals.rejected === 0 && totals.non202 === 0 && Number(c.pending) === 0 && Number(c.processed) === totalForC && left === 0 && after - before === totalForC;

    console.log(`\nPOST /api/signals benchmark — batches of ${batchSize} signed events, ${connections} connections, ${duration} s per run, 2-core machine`);
    console.log(row('(a) SFA: accepted (staged, job queued)', sfa));
    console.log(row('(a) bare express: parse JSON, answer 202', baseline));
    console.log(row('(a) bare express + the same one-row insert, no checks', storing));
    console.log(`(a) throughput ratio SFA / bare: ${((sfa.eventsPerSecond / baseline.eventsPerSecond) * 100).toFixed(1)} %  (target ≥ 50 %); SFA / bare + insert: ${((sfa.eventsPerSecond / storing.eventsPerSecond) * 100).toFixed(1)} %; staged events kept as the backlog for (b): ${stored} (${stagedWhere.redis} requests in the Redis stream, ${stagedWhere.postgres} in PostgreSQL)`);
    console.log(`(b) ${drain}`);
    console.log(`(c) ${totalForC} events in ${batches.length} batches, ${redelivered.size} of them sent 3× at once (signed and bearer): posted in ${postSeconds.toFixed(1)} s, all processed ${cSeconds.toFixed(1)} s after the first request`);
    console.log(`(c) answers: accepted ${totals.accepted} (expected ${expectedAccepted}: ${sends.length} requests), duplicates ${totals.duplicates}, rejected ${totals.rejected}, non-202 ${totals.non202}, 429s retried ${totals.retried429}`);
    console.log(`(c) rows ${c.rows}, distinct ids ${c.ids}: lost ${lost}, double-counted ${doubled}; matched ${c.matched}, unmatched ${c.unmatched}, pending ${c.pending}, processed ${c.processed}, staged events left (Redis stream and PostgreSQL) ${left} → ${ok ? 'OK' : 'FAILED'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    service.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    bareStore.child.kill('SIGTERM');
    worker?.child.kill('SIGTERM');
    await Promise.all([service.exit, bare.exit, bareStore.exit, worker?.exit]);
    redis.disconnect();
    await clearRedis(redisUrl, queuePrefix);
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
