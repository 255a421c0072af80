import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { createApiKey } from '../../../src/domain/signals/create-api-key';
import { expandSignalBatches } from '../../../src/domain/signals/expand-signal-batches';
import { systemActor } from '../../../src/domain/shared/actor';
import { mountSignalsApi } from '../../../src/http/signals-endpoint';
import { createLogger } from '../../../src/logger';
import { makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const encryptionKey = 'redis-down-test-encryption-key-0123456789';
let db: TestDatabase;
let server: Server;
let base: string;
const enqueued: unknown[] = [];
// Nothing listens on port 1: every Redis command fails. (As the service's connection, but a short connect timeout, so the test ends promptly.)
const redis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 2, connectTimeout: 100, disconnectTimeout: 100, retryStrategy: (n) => Math.min(200 * n, 2000) });
redis.on('error', () => undefined);

beforeAll(async () => {
  db = await createTestDatabase();
  const app = express();
  mountSignalsApi(app, {
    orm: db.orm,
    logger: createLogger('silent'),
    redis,
    enqueue: async (_job, data) => { enqueued.push(data); throw new Error('queue did not answer within 250 ms'); },
    encryptionKey,
    redisPrefix: 'sfa-test-down',
    limits: { eventsPerMinute: 1, requestsPerSecond: 1 },
  });
  server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  redis.disconnect();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => setTimeout(resolve, 150));
  await db.drop();
});

test('with Redis unreachable, requests go through (no limits, no replay memory) and events are stored once: the 202 still goes out', async () => {
  const tenant = await makeTenant(db.em());
  const { plaintext, key } = await createApiKey(db.em(), systemActor(tenant.id), { name: 'website' }, { encryptionKey });
  const body = JSON.stringify({ events: [1, 2, 3].map((n) => ({ id: `e${n}`, type: 'page_view', at: new Date().toISOString(), customer: { domain: 'acme.example' } })) });
  const ts = String(Math.floor(Date.now() / 1000));
  const headers = { 'content-type': 'application/json', 'x-sfa-key': key.prefix, 'x-sfa-timestamp': ts, 'x-sfa-signature': `v1=${createHmac('sha256', plaintext).update(`v1:${ts}:${body}`).digest('hex')}` };
  const started = Date.now();
  const answers = [];
  // Over both limits (1 request/s, 1 event/min) and the same signed request three times.
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${base}/api/signals`, { method: 'POST', headers, body });
    answers.push({ status: res.status, body: await res.json() });
  }
  expect(answers).toEqual([
    { status: 202, body: { ok: true, accepted: 3, duplicates: 0, rejected: [] } },
    { status: 202, body: { ok: true, accepted: 3, duplicates: 0, rejected: [] } },
    { status: 202, body: { ok: true, accepted: 3, duplicates: 0, rejected: [] } },
  ]);
  // Quickly: a Redis that is down is not waited for.
  expect(Date.now() - started).toBeLessThan(3000);
  // Each request was stored as it came (three batches); the worker stores the events once.
  const batches = await db.em().getConnection().execute(`select count(*)::int as n from signal_batches where tenant_id = ?`, [tenant.id]);
  expect(batches).toEqual([{ n: 3 }]);
  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id, limit: 10 })).toEqual({ batches: 3, inserted: 3, duplicates: 6 });
  const rows = await db.em().getConnection().execute(`select event_id, status from signal_events where tenant_id = ? order by event_id`, [tenant.id]);
  expect(rows).toEqual([{ event_id: 'e1', status: 'pending' }, { event_id: 'e2', status: 'pending' }, { event_id: 'e3', status: 'pending' }]);
  // Processing was asked for by each request (a failed enqueue is not remembered); it failed, and the sweep will find the batches.
  expect(enqueued).toEqual([1, 2, 3].map(() => ({ tenantId: tenant.id, bucket: expect.any(Number) })));
});
