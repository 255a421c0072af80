import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiKey } from '../../src/domain/signals/api-key.entity';
import { createApiKey } from '../../src/domain/signals/create-api-key';
import { systemActor } from '../../src/domain/shared/actor';
import { apiKeyCacheMs } from '../../src/http/signals-auth';
import { stagedStreamKey } from '../../src/jobs/signal-stream';
import { signalsProcessJob } from '../../src/jobs/signals-process.job';
import type { User } from '../../src/domain/org/user.entity';
import { clearRedis } from '../support/clear-redis';
import { eventually } from '../support/eventually';
import { makeUser } from '../support/factories';
import { startChatWorld, type ChatWorld, type TeamsPerson } from '../support/chat-world';

const encryptionKey = 'e2e-signals-encryption-key-0123456789abcdef';
let w: ChatWorld;
let base: string;
let admin: User;
let adminOnTeams: TeamsPerson;
let repOnTeams: TeamsPerson;
let redis: Redis;
let signalsQueue: Queue;

beforeAll(async () => {
  // Small limits, so the tests can reach them: each test uses keys of its own.
  w = await startChatWorld({ ENCRYPTION_KEY: encryptionKey, SIGNALS_EVENTS_PER_MINUTE: '2500', SIGNALS_REQUESTS_PER_SECOND: '5' });
  base = `http://127.0.0.1:${w.service.port}`;
  admin = (await makeUser(w.em(), w.tenant, { role: 'admin', slackUserId: 'UADMIN', name: 'Ada Admin' })).user;
  const rep = (await makeUser(w.em(), w.tenant, { role: 'rep', slackUserId: 'UREP', name: 'Ray Rep' })).user;
  adminOnTeams = await w.onTeams(admin, '00000000-0000-0000-0000-00000000ad01');
  repOnTeams = await w.onTeams(rep, '00000000-0000-0000-0000-00000000ad02');
  redis = new Redis(w.config.redisUrl, { maxRetriesPerRequest: null });
  signalsQueue = new Queue(signalsProcessJob.queue, { connection: redis, prefix: w.config.jobs.queuePrefix });
}, 60_000);

afterAll(async () => {
  await signalsQueue?.close();
  redis?.disconnect();
  await w?.stop();
  if (w) await clearRedis(w.config.redisUrl, w.config.jobs.queuePrefix);
});

let keys = 0;
/** A fresh key of the tenant (the admin's use case, as the CLI would call it). */
async function newKey(): Promise<{ key: string; prefix: string; id: string }> {
  const created = await createApiKey(w.em(), systemActor(w.tenant.id, 'test'), { name: `key ${++keys}` }, { encryptionKey });
  return { key: created.plaintext, prefix: created.key.prefix, id: created.key.id };
}

const nowSec = () => Math.floor(Date.now() / 1000);
/** The signature, computed here as the docs tell a sender to (not with the server's code). */
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
function signed(k: { key: string; prefix: string }, body: string, ts = nowSec()): Record<string, string> {
  return { 'content-type': 'application/json', 'x-sfa-key': k.prefix, 'x-sfa-timestamp': String(ts), 'x-sfa-signature': `v1=${hmac(k.key, `v1:${ts}:${body}`)}` };
}
const bearer = (k: { key: string }, extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', authorization: `Bearer ${k.key}`, ...extra });

async function post(body: string, headers: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${base}/api/signals`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

let seq = 0;
const event = (extra: Record<string, unknown> = {}) => ({ id: `evt-${process.pid}-${++seq}`, type: 'page_view', at: new Date().toISOString(), customer: { email: `buyer${seq}@acme.example` }, ...extra });
const batch = (events: unknown[]) => JSON.stringify({ events });

const count = async (table: 'signal_events' | 'signal_batches') => Number(((await w.em().getConnection().execute(`select count(*) as n from ${table} where tenant_id = ?`, [w.tenant.id])) as Array<{ n: string }>)[0]!.n);
const rowCount = () => count('signal_events');
const streamKey = () => stagedStreamKey(w.config.jobs.queuePrefix, w.tenant.id);
/** Staged requests the worker has not expanded yet: entries of the tenant's Redis stream, and rows of signal_batches (Redis was slow). */
const batchCount = async () => (await count('signal_batches')) + (await redis.xlen(streamKey()));
/** The bodies staged in Redis and not yet expanded. */
const streamBodies = async () => (await redis.xrange(streamKey(), '-', '+')).map(([, fields]) => fields[fields.indexOf('b') + 1]!);
/** Once the worker (in the service) has expanded every staged request: the events stored. */
async function settled(): Promise<number> {
  await eventually(async () => expect(await batchCount()).toBe(0), 20_000, 100);
  return rowCount();
}
/** The request was stored before its 202: its batch is staged (in Redis, or in PostgreSQL) or, already expanded, its events are there. */
const staged = async (id: string) => {
  const inRedis = (await streamBodies()).filter((b) => b.includes(`"${id}"`)).length;
  return inRedis + Number(((await w.em().getConnection().execute(`select (select count(*) from signal_batches where tenant_id = ? and strpos(body, ?) > 0) + (select count(*) from signal_events where tenant_id = ? and event_id = ?) as n`, [w.tenant.id, `"${id}"`, w.tenant.id, id])) as Array<{ n: string }>)[0]!.n);
};
const rowsFor = async (ids: string[]) =>
  ((await w.em().getConnection().execute(`select event_id, type, to_json(occurred_at) #>> '{}' as occurred_at, customer_ref, product_sku, url, properties, api_key_id from signal_events where tenant_id = ? and event_id in (?) order by id`, [w.tenant.id, ids])) as Array<Record<string, unknown>>)
    .map((r) => ({ ...r, occurred_at: new Date(String(r.occurred_at)) }) as Record<string, unknown>);

test('a signed batch is accepted (202), stored before the answer, and expanded by the worker into events as sent, under the key; the processing job is queued', async () => {
  const k = await newKey();
  const at = '2026-11-30T09:30:00+08:00';
  const events = [
    event({ type: 'download', at, customer: { email: ' Buyer@ACME.example ', name: 'ACME' }, product_sku: 'PL-2027', url: 'https://acme.example/price-list.pdf', properties: { campaign: 'q4', pages: 3 } }),
    event({ type: 'seminar_attended', customer: { domain: 'Globex.Example.', external_id: 'crm-42' } }),
  ];
  const body = batch(events);
  const before = nowSec();
  const res = await post(body, signed(k, body));
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ ok: true, accepted: 2, duplicates: 0, rejected: [] });
  expect(await staged(events[0]!.id)).toBe(1);
  const rows = await eventually(async () => {
    const found = await rowsFor(events.map((e) => e.id));
    expect(found).toHaveLength(2);
    return found;
  }, 15_000);
  expect(rows).toEqual([
    { event_id: events[0]!.id, type: 'download', occurred_at: new Date('2026-11-30T01:30:00Z'), customer_ref: { email: 'buyer@acme.example', name: 'ACME' }, product_sku: 'PL-2027', url: 'https://acme.example/price-list.pdf', properties: { campaign: 'q4', pages: 3 }, api_key_id: k.id },
    { event_id: events[1]!.id, type: 'seminar_attended', occurred_at: new Date(events[1]!.at), customer_ref: { domain: 'globex.example', external_id: 'crm-42' }, product_sku: null, url: null, properties: {}, api_key_id: k.id },
  ]);
  // One job per tenant per second; the worker of this process may have taken it already.
  const after = nowSec();
  await eventually(async () => {
    const ids = (await signalsQueue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'])).filter((j) => j.name === 'signals-process').map((j) => j.id);
    const expected = Array.from({ length: after - before + 1 }, (_, i) => `signals-process.${w.tenant.id}.${before + i}`);
    expect(ids.some((id) => expected.includes(id!))).toBe(true);
  });
  // When the key was last used is noted (at most once a minute).
  await eventually(async () => expect((await w.em().findOneOrFail(ApiKey, { id: k.id })).lastUsedAt).toBeInstanceOf(Date));
});

test('a bearer key is accepted from this machine and behind a proxy that says https', async () => {
  const k = await newKey();
  const one = batch([event()]);
  expect((await post(one, bearer(k))).body).toMatchObject({ ok: true, accepted: 1 });
  expect(await staged(JSON.parse(one).events[0].id)).toBe(1);
  // Redis confirmed it: nothing waits in PostgreSQL's staging table.
  expect(await count('signal_batches')).toBe(0);
  expect((await post(batch([event()]), bearer(k, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.5' }))).body).toMatchObject({ ok: true, accepted: 1 });
});

test('refusals — bad signature, stale or future timestamp, replay, unknown or revoked key, bearer over plain http, no auth — are 401 and store nothing', async () => {
  const k = await newKey();
  const other = await newKey();
  const revoked = await newKey();
  await w.em().getConnection().execute(`update api_keys set revoked_at = now() where id = ?`, [revoked.id]);
  const refusedWith = async (error: string, body: string, headers: Record<string, string>) => {
    const before = await settled();
    const res = await post(body, headers);
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { ok: false, error } });
    // Nothing staged, nothing stored.
    expect(await batchCount()).toBe(0);
    expect(await rowCount()).toBe(before);
  };
  const body = () => batch([event()]);

  let b = body();
  await refusedWith('bad_signature', b, { ...signed(k, b), 'x-sfa-signature': signed(other, b)['x-sfa-signature']! });
  await refusedWith('bad_signature', `${b} `, signed(k, b)); // the body changed after signing
  await refusedWith('bad_signature', b, { ...signed(k, b), 'x-sfa-signature': 'v1=00' });
  b = body();
  await refusedWith('stale_timestamp', b, signed(k, b, nowSec() - 6 * 60));
  await refusedWith('stale_timestamp', b, signed(k, b, nowSec() + 6 * 60));
  await refusedWith('stale_timestamp', b, { ...signed(k, b), 'x-sfa-timestamp': 'yesterday' });
  await refusedWith('unknown_key', b, { ...signed(k, b), 'x-sfa-key': 'aaaaaaaaaaaa' });
  await refusedWith('unknown_key', b, { ...signed(k, b), 'x-sfa-key': '../../etc' });
  await refusedWith('revoked_key', b, signed(revoked, b));
  await refusedWith('revoked_key', b, bearer(revoked));
  await refusedWith('unknown_key', b, bearer({ key: `${k.key.slice(0, -4)}AAAA` }));
  await refusedWith('unknown_key', b, bearer({ key: 'sfa_not_a_key' }));
  // A bearer key that crossed a network in the clear: a proxy forwarded it for a remote client over http.
  await refusedWith('https_required', b, bearer(k, { 'x-forwarded-for': '203.0.113.5' }));
  await refusedWith('https_required', b, bearer(k, { 'x-forwarded-proto': 'http' }));
  await refusedWith('missing_auth', b, { 'content-type': 'application/json' });
  await refusedWith('missing_auth', b, { ...signed(k, b), 'x-sfa-signature': '' });
  await refusedWith('missing_auth', b, { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' });

  // The same signed request twice: the second is a replay (within the window an attacker could resend it).
  const once = body();
  const headers = signed(k, once);
  expect((await post(once, headers)).status).toBe(202);
  await refusedWith('replayed', once, headers);
  // Signed again (a new timestamp), the same batch is a redelivery, not a replay: taken in, and its event found stored when the worker expands it.
  await eventually(async () => expect(nowSec()).toBeGreaterThan(Number(headers['x-sfa-timestamp'])), 2000, 50);
  const before = await settled();
  expect((await post(once, signed(k, once))).body).toEqual({ ok: true, accepted: 1, duplicates: 0, rejected: [] });
  expect(await settled()).toBe(before);

  // A key revoked while in use: refused on this replica once its cached read (apiKeyCacheMs) has expired.
  const inUse = await newKey();
  const first = body();
  expect((await post(first, signed(inUse, first))).status).toBe(202);
  await w.em().getConnection().execute(`update api_keys set revoked_at = now() where id = ?`, [inUse.id]);
  await new Promise((resolve) => setTimeout(resolve, apiKeyCacheMs + 100));
  await refusedWith('revoked_key', b, signed(inUse, b));
});

test('a redelivered batch adds nothing: once processed, its rows stay as they were; ids repeated inside one batch count once', async () => {
  const k = await newKey();
  const events = Array.from({ length: 50 }, () => event());
  const body = batch([...events, events[0], events[1]]);
  expect((await post(body, signed(k, body))).body).toEqual({ ok: true, accepted: 50, duplicates: 2, rejected: [] });
  // Expanded and processed by the worker (matched or unmatched, with when).
  const processedRows = async () =>
    (await w.em().getConnection().execute(`select id, event_id, type, occurred_at, customer_ref, properties, api_key_id, status, customer_id, processed_at from signal_events where tenant_id = ? and event_id in (?) order by id`, [w.tenant.id, events.map((e) => e.id)])) as Array<Record<string, unknown>>;
  const stored = await eventually(async () => {
    const rows = await processedRows();
    expect(rows.map((r) => r.status).filter((s) => s !== 'pending')).toHaveLength(50);
    return rows;
  }, 20_000);
  const total = await settled();
  // Redelivered (signed anew, in another order, by bearer too): each request is taken in, and nothing is added or changed.
  const again = batch([...events].reverse());
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect((await post(again, signed(k, again))).body).toEqual({ ok: true, accepted: 50, duplicates: 0, rejected: [] });
  expect((await post(body, bearer(k))).body).toEqual({ ok: true, accepted: 50, duplicates: 2, rejected: [] });
  expect(await settled()).toBe(total);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await processedRows()).toEqual(stored);
  // The same ids from two senders at once: each stored once.
  const racing = Array.from({ length: 20 }, () => event());
  const results = await Promise.all([newKey(), newKey()].map(async (kp) => (await post(batch(racing), bearer(await kp))).body));
  expect(results.map((r) => r.accepted)).toEqual([20, 20]);
  expect(await settled()).toBe(total + 20);
  expect(await rowsFor(racing.map((e) => e.id))).toHaveLength(20);
});

test('bad events are reported by index and the good ones kept (202); none good is 422; a body that is not a batch is 400', async () => {
  const k = await newKey();
  const good = [event(), event({ type: 'custom', customer: { name: '华为技术' }, properties: { 中文: '可以' } })];
  const events: unknown[] = [
    good[0],
    event({ type: 'webinar' }),
    event({ at: '2026-12-01 09:30' }),
    event({ at: new Date(Date.now() + 6 * 60_000).toISOString() }),
    event({ at: new Date(Date.now() - 366 * 86_400_000).toISOString() }),
    event({ customer: {} }),
    event({ customer: { email: 'not-an-email' } }),
    event({ id: 'has space' }),
    event({ id: 'x'.repeat(201) }),
    event({ url: 'javascript:alert(1)' }),
    event({ properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }),
    event({ properties: { blob: 'x'.repeat(4100) } }),
    event({ properties: { nul: 'a\u0000b' } }),
    'not an object',
    good[1],
  ];
  const body = batch(events);
  const res = await post(body, signed(k, body));
  expect(res.status).toBe(202);
  expect(res.body.accepted).toBe(2);
  expect(res.body.duplicates).toBe(0);
  const rejected = res.body.rejected as Array<{ index: number; id?: string; errors: Array<{ path: string; message: string }> }>;
  expect(rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  const pathsOf = (index: number) => rejected.find((r) => r.index === index)!.errors.map((e) => e.path);
  expect(pathsOf(1)).toEqual(['type']);
  expect(pathsOf(2)).toEqual(['at']);
  expect(rejected.find((r) => r.index === 3)!.errors[0]!.message).toMatch(/future/);
  expect(rejected.find((r) => r.index === 4)!.errors[0]!.message).toMatch(/old/);
  expect(pathsOf(5)).toEqual(['customer']);
  expect(pathsOf(6)).toEqual(['customer.email']);
  expect(pathsOf(7)).toEqual(['id']);
  expect(pathsOf(8)).toEqual(['id']);
  expect(pathsOf(9)).toEqual(['url']);
  expect(pathsOf(10)).toEqual(['properties']);
  expect(pathsOf(11)).toEqual(['properties']);
  expect(pathsOf(12)).toEqual(['properties']);
  expect(rejected.find((r) => r.index === 1)!.id).toBe((events[1] as { id: string }).id);
  expect(rejected.find((r) => r.index === 13)).toEqual({ index: 13, errors: [{ path: '(event)', message: expect.any(String) }] });
  await settled();
  expect((await rowsFor(good.map((e) => e.id))).map((r) => r.event_id)).toEqual(good.map((e) => e.id));
  expect(await rowsFor((events.slice(1, 13) as Array<{ id: string }>).map((e) => e.id))).toEqual([]);

  const before = await rowCount();
  const none = batch([event({ type: 'nope' }), { id: 'x' }]);
  const all = await post(none, signed(k, none));
  expect(all.status).toBe(422);
  expect(all.body).toMatchObject({ ok: false, accepted: 0, duplicates: 0, rejected: [{ index: 0 }, { index: 1 }] });
  for (const [text, message] of [['not json', /not JSON/], ['[1,2]', /events/], ['{"events":{}}', /events/], ['{"events":[]}', /empty/]] as const) {
    const r = await post(text, signed(k, text));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ ok: false, error: 'bad_request', message: expect.stringMatching(message) });
  }
  expect(await batchCount()).toBe(0);
  expect(await rowCount()).toBe(before);
});

test('1001 events are 413 batch_too_large, a body over 2 MB 413 payload_too_large; nothing stored', async () => {
  const k = await newKey();
  const before = await settled();
  const big = batch(Array.from({ length: 1001 }, () => event()));
  const res = await post(big, signed(k, big));
  expect(res.status).toBe(413);
  expect(res.body).toMatchObject({ ok: false, error: 'batch_too_large' });
  const huge = batch(Array.from({ length: 600 }, () => event({ properties: { text: 'x'.repeat(4000) } })));
  expect(huge.length).toBeGreaterThan(2 * 1024 * 1024);
  const tooLarge = await post(huge, signed(k, huge));
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.body).toMatchObject({ ok: false, error: 'payload_too_large' });
  expect(await batchCount()).toBe(0);
  expect(await rowCount()).toBe(before);
  // Exactly 1000 is a batch.
  const full = batch(Array.from({ length: 1000 }, () => event()));
  expect((await post(full, signed(k, full))).body).toMatchObject({ ok: true, accepted: 1000 });
  expect(await settled()).toBe(before + 1000);
});

test('over the per-key limits: 429 with Retry-After and nothing stored; another key is not held back', async () => {
  // Events per minute (2,500 here): the third batch of 1,000 within the minute is refused.
  const k = await newKey();
  const batches = Array.from({ length: 3 }, () => batch(Array.from({ length: 1000 }, () => event())));
  expect((await post(batches[0]!, signed(k, batches[0]!))).status).toBe(202);
  expect((await post(batches[1]!, signed(k, batches[1]!))).status).toBe(202);
  const before = await settled();
  const limited = await post(batches[2]!, signed(k, batches[2]!));
  expect(limited.status).toBe(429);
  expect(limited.body).toMatchObject({ ok: false, error: 'rate_limited' });
  const retryAfter = Number(limited.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(await batchCount()).toBe(0);
  expect(await rowCount()).toBe(before);
  // The refused request was not marked as seen: sent again after the wait it is accepted (not here: a minute).
  const fresh = await newKey();
  expect((await post(batches[2]!, signed(fresh, batches[2]!))).status).toBe(202);

  // Requests per second (5 here): of 10 at once, 5 are accepted and the rest told to retry in 1 s.
  const quick = await newKey();
  const small = Array.from({ length: 10 }, () => batch([event()]));
  const beforeQuick = await settled();
  const answers = await Promise.all(small.map((b) => post(b, signed(quick, b))));
  const accepted = answers.filter((a) => a.status === 202);
  const refused = answers.filter((a) => a.status === 429);
  expect(accepted.length + refused.length).toBe(10);
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  expect(accepted.length).toBeLessThanOrEqual(5);
  for (const r of refused) expect(r.headers.get('retry-after')).toBe('1');
  expect(await settled()).toBe(beforeQuick + accepted.length);
});

test('the curl + openssl example of docs/api/signals.md works as written, and so does its Node snippet', async () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/api/signals.md'), 'utf8');
  const k = await newKey();
  const sh = /```sh\n([\s\S]*?)```/.exec(doc)![1]!
    .replace(/^KEY=.*$/m, `KEY='${k.key}'`)
    .replace('https://sfa.example.com', base)
    .replace(/"id":"web-000123"/, `"id":"doc-curl-${process.pid}"`)
    .replace(/"at":"[^"]+"/, `"at":"${new Date().toISOString()}"`);
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', sh]);
  expect(JSON.parse(stdout)).toEqual({ ok: true, accepted: 1, duplicates: 0, rejected: [] });
  await settled();
  expect(await rowsFor([`doc-curl-${process.pid}`])).toHaveLength(1);

  const js = /```js\n([\s\S]*?)```/.exec(doc)![1]!;
  const sendSignals = new Function('require', `${js}; return sendSignals;`)(require) as (base: string, key: string, events: unknown[]) => Promise<unknown>;
  expect(await sendSignals(base, k.key, [event({ id: `doc-node-${process.pid}` })])).toEqual({ ok: true, accepted: 1, duplicates: 0, rejected: [] });
});

test('the counter of received signals is on /metrics', async () => {
  const text = await (await fetch(`${base}/metrics`)).text();
  for (const outcome of ['accepted', 'duplicate', 'rejected', 'refused']) expect(text).toMatch(new RegExp(`sfa_signals_received_total\\{outcome="${outcome}"\\} [1-9]`));
});

const requestsText = async () => JSON.stringify(await w.em().getConnection().execute(`select key, reply from chat_requests where tenant_id = ?`, [w.tenant.id]));
const keyIn = (text: string) => /sfa_[a-z2-7]{12}_[A-Za-z0-9_-]{32}/.exec(text)?.[0];

test('Slack: an admin creates a key (shown once, never stored), lists and revokes it; a rep is refused', async () => {
  const triggerId = w.fake.issueTrigger();
  const created = await w.slack.command('UADMIN', '/sfa', 'admin apikey create website', { triggerId });
  expect(created.status).toBe(200);
  expect(created.body.response_type).toBe('ephemeral');
  const key = keyIn(JSON.stringify(created.body))!;
  expect(key).toBeDefined();
  const prefix = key.slice(4, 16);
  expect(JSON.stringify(created.body)).toContain('shown only this once');
  // The key works at once.
  const body = batch([event()]);
  expect((await post(body, signed({ key, prefix }, body))).status).toBe(202);
  // Kept for redelivery: the stand-in, never the key.
  const log = await requestsText();
  expect(log).toContain(`was created and shown once`);
  expect(log).toContain(prefix);
  expect(log).not.toContain(key);
  expect(log).not.toContain(key.slice(17));
  // Slack delivers the same command again: it is told what was done, without the key, and no second key is made.
  const again = await w.slack.command('UADMIN', '/sfa', 'admin apikey create website', { triggerId });
  expect(JSON.stringify(again.body)).toContain('was created and shown once');
  expect(keyIn(JSON.stringify(again.body))).toBeUndefined();
  expect(await w.em().count(ApiKey, { tenantId: w.tenant.id, name: 'website' })).toBe(1);

  // Noted after the answer, at most once a minute: the list shows when the key was last used.
  await eventually(async () => expect((await w.em().findOneOrFail(ApiKey, { prefix })).lastUsedAt).toBeInstanceOf(Date));
  const listed = JSON.stringify((await w.slack.command('UADMIN', '/sfa', 'admin apikey list')).body);
  expect(listed).toContain('website');
  expect(listed).toContain(prefix);
  expect(listed).toContain('last used');
  expect(keyIn(listed)).toBeUndefined();

  const forRep = await w.slack.command('UREP', '/sfa', 'admin apikey create sneaky');
  expect(JSON.stringify(forRep.body)).toContain('Only an admin can do that');
  expect(JSON.stringify((await w.slack.command('UREP', '/sfa', 'admin apikey list')).body)).toContain('Only an admin can do that');
  expect(await w.em().count(ApiKey, { tenantId: w.tenant.id, name: 'sneaky' })).toBe(0);

  const revoked = await w.slack.command('UADMIN', '/sfa', 'admin api-key revoke website');
  expect(JSON.stringify(revoked.body)).toContain(`Revoked API key *website* (\`${prefix}\`)`);
  // Refused on every replica once what it read of the key (at most apiKeyCacheMs old) has expired.
  await new Promise((resolve) => setTimeout(resolve, apiKeyCacheMs + 100));
  const after = batch([event()]);
  expect((await post(after, signed({ key, prefix }, after))).body).toEqual({ ok: false, error: 'revoked_key' });
  expect(JSON.stringify((await w.slack.command('UADMIN', '/sfa', 'admin apikey list')).body)).toContain('revoked');
  expect(JSON.stringify((await w.slack.command('UADMIN', '/sfa', 'admin apikey revoke nothing-like-it')).body)).toContain('no active API key');
  expect(JSON.stringify((await w.slack.command('UADMIN', '/sfa', 'admin apikey frobnicate')).body)).toContain('/sfa admin apikey create');
});

test('Teams: a key is created in a direct chat (in Chinese too), refused in a channel; a rep is refused', async () => {
  const say = async (person: TeamsPerson, text: string, conversation?: Record<string, unknown>) => {
    const before = w.teams.sent.length;
    const activity = w.activity(person, { type: 'message', text, ...(conversation ? { conversation } : {}) });
    expect((await w.postTeams(activity)).status).toBeLessThan(300);
    const target = conversation ? String(conversation.id).split(';')[0] : `a:${person.aadObjectId}`;
    return JSON.stringify((await w.teams.waitFor((s) => w.teams.sent.indexOf(s) >= before && s.conversationId.startsWith(target!))).activity);
  };
  const direct = await say(adminOnTeams, 'sfa admin apikey create webinars');
  const key = keyIn(direct);
  expect(key).toBeDefined();
  expect(await requestsText()).not.toContain(key!);

  const channel = { id: '19:sales@thread.tacv2;messageid=1700000000001', conversationType: 'channel', tenantId: adminOnTeams.tenantId };
  const inChannel = await say(adminOnTeams, 'sfa admin apikey create marketing', channel);
  expect(inChannel).toContain('create keys in a direct chat with the bot');
  expect(keyIn(inChannel)).toBeUndefined();
  expect(await w.em().count(ApiKey, { tenantId: w.tenant.id, name: 'marketing' })).toBe(0);
  // Listing is fine anywhere.
  expect(await say(adminOnTeams, 'sfa admin apikey list', { ...channel, id: '19:sales@thread.tacv2;messageid=1700000000002' })).toContain('webinars');

  await w.em().getConnection().execute(`update users set locale = 'zh-CN' where id = ?`, [admin.id]);
  const zh = await say({ ...adminOnTeams, locale: 'zh-CN' }, 'sfa admin 密钥 创建 官网');
  expect(zh).toContain('密钥只显示这一次');
  expect(keyIn(zh)).toBeDefined();
  expect(await say({ ...adminOnTeams, locale: 'zh-CN' }, 'sfa admin 密钥 撤销 官网')).toContain('已吊销 API 密钥');
  await w.em().getConnection().execute(`update users set locale = 'en' where id = ?`, [admin.id]);

  expect(await say(repOnTeams, 'sfa admin apikey create nope')).toContain('Only an admin can do that');
  expect(await requestsText()).not.toMatch(/sfa_[a-z2-7]{12}_[A-Za-z0-9_-]{32}/);
});
