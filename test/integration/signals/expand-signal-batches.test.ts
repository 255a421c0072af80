import { openOrm } from '../../../src/db/orm';
import { expandSignalBatches } from '../../../src/domain/signals/expand-signal-batches';
import { checkSignalBatch } from '../../../src/domain/signals/signal-input';
import { stageSignalBatch } from '../../../src/domain/signals/stage-signal-batch';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import type { JobContext } from '../../../src/jobs/job-definition';
import { signalsProcessJob, signalsSweepJob } from '../../../src/jobs/signals-process.job';
import { eventually } from '../../support/eventually';
import { makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db.em().getConnection().execute(text, params)) as T[];
const now = new Date();
const iso = now.toISOString();

/** Stages a body as the endpoint does: checked, then stored raw with its skip list. */
async function stage(tenant: Tenant, body: string, apiKeyId: string | null = null) {
  const checked = checkSignalBatch(JSON.parse(body), now);
  await stageSignalBatch(db.em(), { tenantId: tenant.id, apiKeyId, body, skip: checked.skip });
  return checked;
}
const ev = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'page_view', at: iso, customer: { external_id: `c-${id}` }, ...extra });
const body = (events: unknown[]) => JSON.stringify({ events });
const rows = (tenant: Tenant) =>
  sql<Record<string, unknown>>(
    `select event_id, type, to_json(occurred_at) #>> '{}' as occurred_at, customer_ref, product_sku, url, properties, api_key_id, status, to_json(received_at) #>> '{}' as received_at
       from signal_events where tenant_id = ? order by id`,
    [tenant.id],
  );
const batchCount = async (tenant: Tenant) => Number((await sql<{ n: string }>(`select count(*) as n from signal_batches where tenant_id = ?`, [tenant.id]))[0]!.n);

test('a batch is expanded without its skipped events, normalised as the checks promised, in order, and deleted', async () => {
  const tenant = await makeTenant(db.em());
  const key: Array<{ id: string }> = await sql(`insert into api_keys (id, tenant_id, name, prefix, key_hash, created_at) values (gen_random_uuid(), ?, 'k', 'abcdefghijkl', ?, now()) returning id`, [tenant.id, 'x'.repeat(64)]);
  const text = body([
    ev('b-1', { type: 'download', at: '2026-11-30T09:30:00.123456+08:00', customer: { email: ' Buyer@ACME.example ', name: '\u3000华为技术 ', ignored: 'x' }, product_sku: ' PL-2027\t', url: 'https://acme.example/p.pdf', properties: { campaign: 'q4', n: 3 }, extra: { nested: true } }),
    ev('b-2', { type: 'webinar' }), // rejected
    ev('b-3', { customer: { domain: 'Globex.Example.', external_id: ' crm-42 ' } }),
    ev('b-1'), // repeated in the batch: only the first is taken
    ev('b-4', { at: new Date(now.getTime() + 3600_000).toISOString() }), // too far ahead
  ]);
  const checked = await stage(tenant, text, key[0]!.id);
  expect(checked).toMatchObject({ accepted: 2, duplicates: 1, skip: [1, 3, 4] });
  expect(checked.rejected.map((r) => r.index)).toEqual([1, 4]);
  const [batch] = await sql<{ body: string; skip: number[]; received_at: Date }>(`select body, skip, received_at from signal_batches where tenant_id = ?`, [tenant.id]);
  // The body is kept byte for byte as received.
  expect(batch!.body).toBe(text);
  expect(batch!.skip).toEqual([1, 3, 4]);

  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id })).toEqual({ batches: 1, inserted: 2, duplicates: 0 });
  const receivedAt = new Date(batch!.received_at).toISOString();
  expect((await rows(tenant)).map((r) => ({ ...r, occurred_at: new Date(String(r.occurred_at)).toISOString(), received_at: new Date(String(r.received_at)).toISOString() }))).toEqual([
    { event_id: 'b-1', type: 'download', occurred_at: '2026-11-30T01:30:00.123Z', customer_ref: { email: 'buyer@acme.example', name: '华为技术' }, product_sku: 'PL-2027', url: 'https://acme.example/p.pdf', properties: { campaign: 'q4', n: 3 }, api_key_id: key[0]!.id, status: 'pending', received_at: receivedAt },
    { event_id: 'b-3', type: 'page_view', occurred_at: iso, customer_ref: { domain: 'globex.example', external_id: 'crm-42' }, product_sku: null, url: null, properties: {}, api_key_id: key[0]!.id, status: 'pending', received_at: receivedAt },
  ]);
  expect(await batchCount(tenant)).toBe(0);
  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id })).toEqual({ batches: 0, inserted: 0, duplicates: 0 });
});

test('ids stored by an earlier batch are duplicates when a later one is expanded, and the stored rows stay as they were', async () => {
  const tenant = await makeTenant(db.em());
  await stage(tenant, body([ev('d-1'), ev('d-2')]));
  await stage(tenant, body([ev('d-2', { type: 'download' }), ev('d-3')]));
  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id })).toEqual({ batches: 2, inserted: 3, duplicates: 1 });
  const stored = await rows(tenant);
  expect(stored.map((r) => [r.event_id, r.type])).toEqual([['d-1', 'page_view'], ['d-2', 'page_view'], ['d-3', 'page_view']]);
  // A redelivery, staged and expanded after the first was processed: nothing added or changed.
  await sql(`update signal_events set status = 'unmatched', processed_at = now() where tenant_id = ?`, [tenant.id]);
  const processed = await rows(tenant);
  await stage(tenant, body([ev('d-3'), ev('d-2'), ev('d-1')]));
  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id })).toEqual({ batches: 1, inserted: 0, duplicates: 3 });
  expect(await rows(tenant)).toEqual(processed);
});

test('up to `limit` batches per call, oldest first; another tenant’s batches are left alone', async () => {
  const tenant = await makeTenant(db.em());
  const other = await makeTenant(db.em());
  for (let b = 0; b < 5; b++) await stage(tenant, body([ev(`l-${b}`)]));
  await stage(other, body([ev('l-0')]));
  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id, limit: 2 })).toEqual({ batches: 2, inserted: 2, duplicates: 0 });
  expect((await rows(tenant)).map((r) => r.event_id)).toEqual(['l-0', 'l-1']);
  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id, limit: 10 })).toEqual({ batches: 3, inserted: 3, duplicates: 0 });
  expect(await batchCount(other)).toBe(1);
  expect(await rows(other)).toEqual([]);
});

test('workers expanding the same batches at once store each event once and lose no batch', async () => {
  const tenant = await makeTenant(db.em());
  const ids = Array.from({ length: 300 }, (_, i) => `r-${i}`);
  // 30 batches of 100 overlapping ids, some in reverse order (redeliveries in another order).
  const bodies = Array.from({ length: 30 }, (_, b) => {
    const part = ids.slice((b * 20) % 200, ((b * 20) % 200) + 100);
    return body((b % 2 ? [...part].reverse() : part).map((id) => ev(id)));
  });
  for (const text of bodies) await stage(tenant, text);
  const drain = async () => {
    const total = { batches: 0, inserted: 0, duplicates: 0 };
    for (;;) {
      const r = await expandSignalBatches(db.em(), { tenantId: tenant.id, limit: 3 });
      if (r.batches === 0) return total;
      total.batches += r.batches;
      total.inserted += r.inserted;
      total.duplicates += r.duplicates;
    }
  };
  const results = await Promise.all([drain(), drain(), drain(), drain()]);
  const sum = (k: 'batches' | 'inserted' | 'duplicates') => results.reduce((n, r) => n + r[k], 0);
  const distinct = new Set(bodies.flatMap((t) => (JSON.parse(t) as { events: Array<{ id: string }> }).events.map((e) => e.id))).size;
  expect(distinct).toBe(280);
  expect(sum('batches')).toBe(30);
  expect(sum('inserted')).toBe(distinct);
  expect(sum('duplicates')).toBe(30 * 100 - distinct);
  const stored = await sql<{ n: string; ids: string }>(`select count(*) as n, count(distinct event_id) as ids from signal_events where tenant_id = ?`, [tenant.id]);
  expect(stored[0]).toEqual({ n: String(distinct), ids: String(distinct) });
  expect(await batchCount(tenant)).toBe(0);
});

test('a worker that dies mid-expansion (its transaction rolled back) leaves the batch, and the next run expands it', async () => {
  const tenant = await makeTenant(db.em());
  await stage(tenant, body([ev('x-1'), ev('x-2'), ev('x-3')]));
  // Another transaction holds x-2 (uncommitted), so the expansion waits in the middle of its insert…
  const blocker = await openOrm(db.url, 1);
  const crashing = await openOrm(db.url, 1);
  try {
    const hold = blocker.em.fork();
    await hold.execute(`begin`);
    await hold.execute(`insert into signal_events (tenant_id, event_id, type, occurred_at, customer_ref) values (?, 'x-2', 'page_view', now(), '{}')`, [tenant.id]);
    const dying = expandSignalBatches(crashing.em.fork(), { tenantId: tenant.id }).then(
      () => 'finished',
      (err: Error) => err.message,
    );
    // …where its backend is killed, as when the worker's machine goes away.
    await eventually(async () => {
      const waiting = await sql<{ pid: number }>(`select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%signal_batches%'`);
      expect(waiting).toHaveLength(1);
      await sql(`select pg_terminate_backend(?)`, [waiting[0]!.pid]);
    });
    expect(await dying).toMatch(/terminat/i);
    await hold.execute(`rollback`);
  } finally {
    await blocker.close(true);
    await crashing.close(true);
  }
  expect(await rows(tenant)).toEqual([]);
  expect(await batchCount(tenant)).toBe(1);
  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id })).toEqual({ batches: 1, inserted: 3, duplicates: 0 });
  expect((await rows(tenant)).map((r) => r.event_id)).toEqual(['x-1', 'x-2', 'x-3']);
});

test('a body PostgreSQL cannot read as jsonb is rewritten to its good events, without holding up the batches beside it', async () => {
  const tenant = await makeTenant(db.em());
  await stage(tenant, body([ev('p-1')]));
  // A NUL in a field nobody reads, an unpaired surrogate in a rejected event, a number beyond numeric.
  const poisoned = `{"events":[{"id":"p-2","type":"page_view","at":"${iso}","customer":{"name":"Ada","note":"a\\u0000b"},"huge":1e400000},{"id":"p-3","type":"nope","at":"${iso}","customer":{"name":"\\ud800"}},{"id":"p-4","type":"custom","at":"${iso}","customer":{"external_id":"e4"},"properties":{"big":1e400000}}]}`;
  const checked = await stage(tenant, poisoned);
  expect(checked).toMatchObject({ accepted: 2, skip: [1] });
  await stage(tenant, body([ev('p-5')]));
  expect(await expandSignalBatches(db.em(), { tenantId: tenant.id, limit: 10 })).toEqual({ batches: 3, inserted: 4, duplicates: 0 });
  const stored = await rows(tenant);
  expect(stored.map((r) => r.event_id)).toEqual(['p-1', 'p-2', 'p-4', 'p-5']);
  // What JSON.stringify makes of a number JavaScript cannot hold (as the events were stored before batches).
  expect(stored.find((r) => r.event_id === 'p-4')!.properties).toEqual({ big: null });
  expect(stored.find((r) => r.event_id === 'p-2')!.customer_ref).toEqual({ name: 'Ada' });
  expect(await batchCount(tenant)).toBe(0);
});

describe('the processing job and the sweep', () => {
  const added: Array<{ name: string; data: unknown }> = [];
  const context = (now = new Date()) =>
    ({ em: db.em(), clock: { now: () => now }, queues: { add: async (definition: { name: string }, data: unknown) => void added.push({ name: definition.name, data }) } }) as unknown as JobContext;

  test('the job expands the tenant’s staged requests, then processes their events', async () => {
    const tenant = await makeTenant(db.em());
    await stage(tenant, body([ev('j-1'), ev('j-2')]));
    await stage(tenant, body([ev('j-2'), ev('j-3')]));
    expect(await signalsProcessJob.handle({ tenantId: tenant.id, bucket: 1 }, context())).toBe('3 events');
    expect(await batchCount(tenant)).toBe(0);
    expect((await rows(tenant)).map((r) => [r.event_id, r.status])).toEqual([['j-1', 'unmatched'], ['j-2', 'unmatched'], ['j-3', 'unmatched']]);
  });

  test('the sweep re-enqueues tenants whose staged requests have waited more than 30 s, not those just received', async () => {
    const waiting = await makeTenant(db.em());
    const fresh = await makeTenant(db.em());
    await stage(waiting, body([ev('w-1')]));
    await sql(`update signal_batches set received_at = now() - interval '40 seconds' where tenant_id = ?`, [waiting.id]);
    await stage(fresh, body([ev('w-2')]));
    added.length = 0;
    await signalsSweepJob.handle({ minute: 'test' }, context());
    const swept = added.filter((a) => a.name === signalsProcessJob.name).map((a) => (a.data as { tenantId: string }).tenantId);
    expect(swept).toContain(waiting.id);
    expect(swept).not.toContain(fresh.id);
  });
});

test('a staged body is stored lz4-compressed (or, without lz4, uncompressed), never with pglz', async () => {
  const [column] = await sql<{ compression: string; storage: string }>(`select attcompression as compression, attstorage as storage from pg_attribute where attrelid = 'signal_batches'::regclass and attname = 'body'`);
  expect([{ compression: 'l', storage: 'x' }, { compression: '', storage: 'e' }]).toContainEqual(column);
});
