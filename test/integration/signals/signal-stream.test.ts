import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { createApiKey } from '../../../src/domain/signals/create-api-key';
import { expandStagedBodies } from '../../../src/domain/signals/expand-signal-batches';
import { systemActor } from '../../../src/domain/shared/actor';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { mountSignalsApi } from '../../../src/http/signals-endpoint';
import type { JobContext } from '../../../src/jobs/job-definition';
import { expandStreamStep, SignalStream, stagedGroup, stagedStreamKey } from '../../../src/jobs/signal-stream';
import { signalsProcessJob, signalsSweepJob } from '../../../src/jobs/signals-process.job';
import { createLogger } from '../../../src/logger';
import { clearRedis } from '../../support/clear-redis';
import { makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const encryptionKey = 'signal-stream-test-encryption-key-0123456789';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sfa-test-stream-${process.pid}`;
let db: TestDatabase;
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
// Nothing listens on port 1: the endpoint of `downBase` cannot reach Redis at all.
const deadRedis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 2, connectTimeout: 100, disconnectTimeout: 100, retryStrategy: (n) => Math.min(200 * n, 2000) });
deadRedis.on('error', () => undefined);
const servers: Server[] = [];
let base: string;
let downBase: string;
const enqueued: Array<{ tenantId: string }> = [];

/**
 * A TCP hop to the test Redis that can hold what the client sends for a while: a Redis that is
 * slow to confirm, for this test's endpoint only (pausing the shared Redis would stall every
 * other test file running beside it).
 */
async function slowRedisProxy(target: URL): Promise<{ url: string; hold: (ms: number) => void; close: () => Promise<void> }> {
  let holdMs = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => undefined); s.on('close', () => sockets.delete(s)); }
    client.on('data', (chunk) => (holdMs > 0 ? setTimeout(() => upstream.write(chunk), holdMs) : upstream.write(chunk)));
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: (ms) => { holdMs = ms; },
    close: async () => { for (const s of sockets) s.destroy(); await new Promise((resolve) => server.close(resolve)); },
  };
}

async function serve(r: Redis): Promise<string> {
  const app = express();
  mountSignalsApi(app, {
    orm: db.orm, logger: createLogger('silent'), redis: r, encryptionKey, redisPrefix: prefix,
    enqueue: async (_job, data) => void enqueued.push(data as { tenantId: string }),
    limits: { eventsPerMinute: 1_000_000, requestsPerSecond: 1000 },
  });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  base = await serve(redis);
  downBase = await serve(deadRedis);
});

afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  deadRedis.disconnect();
  await clearRedis(redisUrl, prefix);
  redis.disconnect();
  await db.drop();
});

const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db.em().getConnection().execute(text, params)) as T[];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let seq = 0;
const ev = (extra: Record<string, unknown> = {}) => ({ id: `st-${process.pid}-${++seq}`, type: 'page_view', at: new Date().toISOString(), customer: { email: `b${seq}@acme.example` }, ...extra });

/** A tenant with a key, and a way to post a signed batch as a sender would. */
async function sender() {
  const tenant = await makeTenant(db.em());
  const { plaintext, key } = await createApiKey(db.em(), systemActor(tenant.id), { name: 'website' }, { encryptionKey });
  const post = async (events: unknown[], at = base) => {
    const body = JSON.stringify({ events });
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'content-type': 'application/json', 'x-sfa-key': key.prefix, 'x-sfa-timestamp': ts, 'x-sfa-signature': `v1=${createHmac('sha256', plaintext).update(`v1:${ts}:${body}`).digest('hex')}` };
    const res = await fetch(`${at}/api/signals`, { method: 'POST', headers, body });
    return { status: res.status, body: await res.json() };
  };
  return { tenant, keyId: key.id, post };
}

const streamLength = (tenant: Tenant) => redis.xlen(stagedStreamKey(prefix, tenant.id));
const pendingInGroup = async (tenant: Tenant) => Number(((await redis.xpending(stagedStreamKey(prefix, tenant.id), stagedGroup)) as [number])[0]);
const tableBatches = async (tenant: Tenant) => Number((await sql<{ n: string }>(`select count(*) as n from signal_batches where tenant_id = ?`, [tenant.id]))[0]!.n);
const eventRows = (tenant: Tenant) => sql<{ event_id: string; status: string; api_key_id: string; customer_ref: unknown }>(`select event_id, status, api_key_id, customer_ref from signal_events where tenant_id = ? order by id`, [tenant.id]);

/** Two workers' readers (distinct consumers), the second claiming entries idle for 300 ms. */
const workerA = () => new SignalStream(redis, prefix, 300, 'worker-a');
const workerB = () => new SignalStream(redis, prefix, 300, 'worker-b');

test('an accepted request is one entry of the tenant’s stream (nothing in PostgreSQL); the worker inserts its good events once, then acknowledges and deletes it', async () => {
  const { tenant, keyId, post } = await sender();
  const events = [ev({ customer: { email: ' Buyer@ACME.example ' } }), ev({ type: 'webinar' }), ev()];
  expect(await post([...events, events[0]])).toEqual({ status: 202, body: { ok: true, accepted: 2, duplicates: 1, rejected: [expect.objectContaining({ index: 1 })] } });
  expect(await streamLength(tenant)).toBe(1);
  expect(await tableBatches(tenant)).toBe(0);
  const [[, fields]] = (await redis.xrange(stagedStreamKey(prefix, tenant.id), '-', '+')) as Array<[string, string[]]>;
  // What the entry holds: tenant, key, the indexes to leave out (the rejected one and the repeat), the body as sent.
  expect(fields.slice(0, 6)).toEqual(['t', tenant.id, 'k', keyId, 's', '1,3']);
  expect(fields[7]).toBe(JSON.stringify({ events: [...events, events[0]] }));
  expect(enqueued.some((d) => d.tenantId === tenant.id)).toBe(true);

  expect(await expandStreamStep(db.em(), workerA(), tenant.id)).toEqual({ batches: 1, inserted: 2, duplicates: 0 });
  expect(await eventRows(tenant)).toEqual([
    { event_id: events[0]!.id, status: 'pending', api_key_id: keyId, customer_ref: { email: 'buyer@acme.example' } },
    { event_id: events[2]!.id, status: 'pending', api_key_id: keyId, customer_ref: { email: events[2]!.customer.email } },
  ]);
  expect(await streamLength(tenant)).toBe(0);
  expect(await pendingInGroup(tenant)).toBe(0);
  // Nothing left: a second run finds nothing and stores nothing.
  expect(await expandStreamStep(db.em(), workerB(), tenant.id)).toEqual({ batches: 0, inserted: 0, duplicates: 0 });
  expect(await eventRows(tenant)).toHaveLength(2);
});

test('a worker that dies after reading leaves the entry pending: another claims it once it has been idle, and inserts it once', async () => {
  const { tenant, post } = await sender();
  const events = [ev(), ev(), ev()];
  expect((await post(events)).status).toBe(202);
  const dying = workerA();
  const read = await dying.take(tenant.id, 4);
  expect(read).toHaveLength(1);
  expect(await pendingInGroup(tenant)).toBe(1);
  // Too soon: not idle long enough, and nothing new to read.
  const other = workerB();
  expect(await other.take(tenant.id, 4)).toEqual([]);
  expect(await eventRows(tenant)).toEqual([]);
  await sleep(400);
  expect(await expandStreamStep(db.em(), other, tenant.id)).toEqual({ batches: 1, inserted: 3, duplicates: 0 });
  expect((await eventRows(tenant)).map((r) => r.event_id)).toEqual(events.map((e) => e.id));
  expect(await streamLength(tenant)).toBe(0);
  expect(await pendingInGroup(tenant)).toBe(0);
});

test('a crash after the commit and before the acknowledgement: the entry is claimed again and adds nothing', async () => {
  const { tenant, post } = await sender();
  const events = [ev(), ev()];
  expect((await post(events)).status).toBe(202);
  const crashing = workerA();
  const entries = await crashing.take(tenant.id, 4);
  // Committed…
  expect(await expandStagedBodies(db.em(), tenant.id, entries)).toEqual({ batches: 1, inserted: 2, duplicates: 0 });
  // …and the process ends before `done`.
  expect(await streamLength(tenant)).toBe(1);
  await sleep(400);
  expect(await expandStreamStep(db.em(), workerB(), tenant.id)).toEqual({ batches: 1, inserted: 0, duplicates: 2 });
  expect((await eventRows(tenant)).map((r) => r.event_id)).toEqual(events.map((e) => e.id));
  expect(await streamLength(tenant)).toBe(0);
});

const jobContext = (stream: SignalStream, added: unknown[] = [], now = new Date()): JobContext =>
  ({
    em: db.orm.em.fork(), orm: db.orm, clock: { now: () => now }, log: createLogger('silent'), signalStream: stream,
    queues: { add: async (_def: unknown, data: unknown) => void added.push(data) },
  }) as unknown as JobContext;

test('with Redis down at the endpoint the request is staged in PostgreSQL (202), and the processing job takes both stores', async () => {
  const { tenant, post } = await sender();
  const viaPostgres = [ev(), ev()];
  const viaRedis = [ev(), viaPostgres[0]];
  expect((await post(viaRedis)).status).toBe(202);
  expect(await streamLength(tenant)).toBe(1);
  // The sweep finds the tenant by its stream entry alone (nothing in PostgreSQL yet), once it is older than the stranded age.
  const added: Array<{ tenantId: string }> = [];
  await signalsSweepJob.handle({ minute: 'now' }, jobContext(workerA(), added));
  expect(added.filter((d) => d.tenantId === tenant.id)).toHaveLength(0);
  await signalsSweepJob.handle({ minute: 'later' }, jobContext(workerA(), added, new Date(Date.now() + 60_000)));
  expect(added.filter((d) => d.tenantId === tenant.id)).toHaveLength(1);

  expect(await post(viaPostgres, downBase)).toEqual({ status: 202, body: { ok: true, accepted: 2, duplicates: 0, rejected: [] } });
  expect(await tableBatches(tenant)).toBe(1);
  expect(await streamLength(tenant)).toBe(1);

  expect(await signalsProcessJob.handle({ tenantId: tenant.id, bucket: 1 }, jobContext(workerA()))).toBe('3 events');
  const rows = await eventRows(tenant);
  expect(rows.map((r) => r.event_id).sort()).toEqual([...viaPostgres, viaRedis[0]!].map((e) => e.id).sort());
  expect(rows.every((r) => r.status !== 'pending')).toBe(true);
  expect(await tableBatches(tenant)).toBe(0);
  expect(await streamLength(tenant)).toBe(0);
});

test('a request neither Redis nor PostgreSQL confirmed is refused with 503 try_again, and nothing is kept', async () => {
  const { tenant, post } = await sender();
  // PostgreSQL refuses this tenant's staged rows (as if it were down for them).
  await sql(`create or replace function refuse_staging() returns trigger language plpgsql as $$ begin raise exception 'staging refused'; end $$`);
  await sql(`create trigger refuse_staging before insert on signal_batches for each row when (new.tenant_id = '${tenant.id}') execute function refuse_staging()`);
  try {
    const events = [ev()];
    expect(await post(events, downBase)).toEqual({ status: 503, body: { ok: false, error: 'try_again', message: expect.any(String) } });
    expect(await tableBatches(tenant)).toBe(0);
    expect(await streamLength(tenant)).toBe(0);
    expect(await eventRows(tenant)).toEqual([]);
    // With Redis answering, the same events are taken in.
    expect((await post(events)).status).toBe(202);
    expect(await streamLength(tenant)).toBe(1);
  } finally {
    await sql(`drop trigger refuse_staging on signal_batches`);
  }
});

test('a Redis that does not confirm in time: the request is staged in PostgreSQL and answered; when Redis catches up it is staged twice and stored once', async () => {
  const { tenant, post } = await sender();
  const events = [ev(), ev(), ev()];
  const proxy = await slowRedisProxy(new URL(redisUrl));
  const slowRedis = new Redis(proxy.url, { maxRetriesPerRequest: 2 });
  try {
    await slowRedis.ping();
    const slowBase = await serve(slowRedis);
    // What the endpoint sends now reaches Redis 700 ms later: longer than it waits for Redis.
    proxy.hold(700);
    const started = Date.now();
    expect(await post(events, slowBase)).toEqual({ status: 202, body: { ok: true, accepted: 3, duplicates: 0, rejected: [] } });
    expect(Date.now() - started).toBeLessThan(700);
    expect(await tableBatches(tenant)).toBe(1);
    // The endpoint's late script answer is followed by its XADD, held 700 ms too: give both time to land.
    await sleep(Math.max(0, 2200 - (Date.now() - started)));
  } finally {
    slowRedis.disconnect();
    await proxy.close();
  }
  // The script ran once Redis got it: the same request is in the stream too.
  expect(await streamLength(tenant)).toBe(1);
  expect(await signalsProcessJob.handle({ tenantId: tenant.id, bucket: 2 }, jobContext(workerA()))).toBe('3 events');
  expect((await eventRows(tenant)).map((r) => r.event_id)).toEqual(events.map((e) => e.id));
  expect(await tableBatches(tenant)).toBe(0);
  expect(await streamLength(tenant)).toBe(0);
});

test('a body PostgreSQL cannot read as jsonb (a NUL in a field SFA does not keep) is stored as what is kept of its good events', async () => {
  const { tenant, post } = await sender();
  const events = [ev({ extra: 'a\u0000b' }), ev()];
  expect((await post(events)).status).toBe(202);
  expect(await expandStreamStep(db.em(), workerA(), tenant.id)).toEqual({ batches: 1, inserted: 2, duplicates: 0 });
  expect((await eventRows(tenant)).map((r) => r.event_id)).toEqual(events.map((e) => e.id));
  expect(await streamLength(tenant)).toBe(0);
});

test('a stream deleted under a worker (Redis lost it) is made again, and new entries are read', async () => {
  const { tenant, post } = await sender();
  const reader = workerA();
  expect(await reader.take(tenant.id, 4)).toEqual([]);
  await redis.del(stagedStreamKey(prefix, tenant.id));
  expect((await post([ev()])).status).toBe(202);
  expect(await expandStreamStep(db.em(), reader, tenant.id)).toEqual({ batches: 1, inserted: 1, duplicates: 0 });
});
