import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { trimmedChars } from './signal-schema';

export type ExpandedBatches = {
  /** Batch rows expanded (and deleted). */
  batches: number;
  /** Events stored as pending. */
  inserted: number;
  /** Events of those batches whose id the tenant had already (an earlier batch, or a redelivery). */
  duplicates: number;
};

/** Batches per transaction: at most 1,000 events each, so a transaction writes at most a few thousand rows. */
export const batchesPerTransaction = 4;

/** `trim()` in SQL: the same characters JavaScript strips (see `trimmedChars`). */
const trim = (expr: string) => `regexp_replace(${expr}, '^[${trimmedChars}]+|[${trimmedChars}]+$', '', 'g')`;

/**
 * The events of the candidate batches, minus their `skip` indexes, as pending rows — normalised as
 * the endpoint's checks promised (customer fields and SKU trimmed, email and domain lower-cased,
 * a domain's trailing dot dropped, `at` to the millisecond, unknown fields left out) and in
 * arrival order (batch, then position). An id the tenant has already is skipped by the unique key.
 * One statement for both places a request waits: `signal_batches` rows (PostgreSQL staging) and a
 * body handed in as a parameter (staged in Redis, see `expandStagedBodies`).
 */
const insertEvents = (candidates: string) => `
  with candidate as (${candidates}), stored as (
    insert into signal_events (tenant_id, api_key_id, event_id, type, occurred_at, customer_ref, product_sku, url, properties, received_at, status)
    select c.tenant_id, c.api_key_id, c.ev ->> 'id', c.ev ->> 'type', date_trunc('milliseconds', (c.ev ->> 'at')::timestamptz),
           jsonb_strip_nulls(jsonb_build_object(
             'email', lower(${trim(`c.ev -> 'customer' ->> 'email'`)}),
             'domain', regexp_replace(lower(${trim(`c.ev -> 'customer' ->> 'domain'`)}), '\\.$', ''),
             'name', ${trim(`c.ev -> 'customer' ->> 'name'`)},
             'external_id', ${trim(`c.ev -> 'customer' ->> 'external_id'`)})),
           ${trim(`c.ev ->> 'product_sku'`)}, c.ev ->> 'url', coalesce(c.ev -> 'properties', '{}'::jsonb), c.received_at, 'pending'
      from candidate c
     order by c.batch_id, c.n
    on conflict (tenant_id, event_id) do nothing
    returning 1)
  select (select count(*) from candidate)::int as candidates, (select count(*) from stored)::int as inserted`;

const fromTable = insertEvents(`
    select b.id as batch_id, b.tenant_id, b.api_key_id, b.received_at, e.n, e.ev
      from signal_batches b
      cross join lateral jsonb_array_elements(b.body::jsonb -> 'events') with ordinality as e(ev, n)
     where b.tenant_id = ? and b.id in (?) and (e.n - 1) <> all (b.skip)`);

/** Bind parameters: tenant, key (or null), received at, body (JSON text), skip (`{1,5}`). */
const fromBody = insertEvents(`
    select 0::bigint as batch_id, ?::uuid as tenant_id, ?::uuid as api_key_id, ?::timestamptz as received_at, e.n, e.ev
      from jsonb_array_elements(?::jsonb -> 'events') with ordinality as e(ev, n)
     where (e.n - 1) <> all (?::int[])`);

/**
 * Expands up to `limit` of a tenant's staged batches (oldest first) into pending signal events,
 * in one transaction that also deletes them: a crash leaves the batches for the next run, and an
 * event is never stored twice (the unique key). Batches are taken `for update skip locked` under
 * a per-tenant advisory lock, so two workers never expand the same batch nor insert overlapping
 * ids in opposite orders (which would deadlock); another tenant is not held up.
 *
 * A body PostgreSQL cannot read as jsonb (a NUL or an unpaired surrogate in a field the endpoint
 * does not look at, a number beyond `numeric`) fails the statement; those batches are then done
 * one at a time, and the one that fails is rewritten with only what is stored of its good events.
 */
export async function expandSignalBatches(em: EntityManager, input: { tenantId: string; limit?: number }): Promise<ExpandedBatches> {
  const limit = Math.min(Math.max(1, Math.trunc(input.limit ?? batchesPerTransaction) || 1), 50);
  try {
    return await expand(em.fork(), input.tenantId, limit, false);
  } catch (err) {
    if (!unreadable(err)) throw err;
    return expand(em.fork(), input.tenantId, limit, true);
  }
}

async function expand(em: EntityManager, tenantId: string, limit: number, oneByOne: boolean): Promise<ExpandedBatches> {
  return em.transactional(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`sfa.signals.expand.${tenantId}`]);
    const rows: Array<{ id: string }> = await tx.execute(`select id from signal_batches where tenant_id = ? order by id limit ? for update skip locked`, [tenantId, limit]);
    if (rows.length === 0) return { batches: 0, inserted: 0, duplicates: 0 };
    const ids = rows.map((r) => String(r.id));
    let candidates = 0;
    let inserted = 0;
    for (const group of oneByOne ? ids.map((id) => [id]) : [ids]) {
      const counts = oneByOne ? await insertCarefully(tx, tenantId, group[0]!) : await insert(tx, tenantId, group);
      candidates += counts.candidates;
      inserted += counts.inserted;
    }
    await tx.execute(`delete from signal_batches where tenant_id = ? and id in (?)`, [tenantId, ids]);
    return { batches: ids.length, inserted, duplicates: candidates - inserted };
  });
}

type Counts = { candidates: number; inserted: number };

async function insert(tx: EntityManager, tenantId: string, ids: string[]): Promise<Counts> {
  const [counts] = (await tx.execute(fromTable, [tenantId, ids])) as Counts[];
  return { candidates: Number(counts!.candidates), inserted: Number(counts!.inserted) };
}

async function insertCarefully(tx: EntityManager, tenantId: string, id: string): Promise<Counts> {
  await tx.execute(`savepoint signal_batch`);
  try {
    const counts = await insert(tx, tenantId, [id]);
    await tx.execute(`release savepoint signal_batch`);
    return counts;
  } catch (err) {
    if (!unreadable(err)) throw err;
    await tx.execute(`rollback to savepoint signal_batch`);
  }
  const [row] = (await tx.execute(`select body, skip from signal_batches where id = ?`, [id])) as Array<{ body: string; skip: number[] }>;
  await tx.execute(`update signal_batches set body = ? where id = ?`, [storedPart(row!.body, row!.skip), id]);
  return insert(tx, tenantId, [id]);
}

/** The body with only what is stored of each good event (its known fields), the others null (positions kept). */
export function storedPart(body: string, skip: number[]): string {
  const skipped = new Set(skip);
  const events = (JSON.parse(body) as { events: Array<Record<string, unknown>> }).events;
  const pick = (from: unknown, keys: string[]) => (from && typeof from === 'object' ? Object.fromEntries(keys.filter((k) => k in from).map((k) => [k, (from as Record<string, unknown>)[k]])) : undefined);
  return JSON.stringify({
    events: events.map((e, i) => (skipped.has(i) ? null : { ...pick(e, ['id', 'type', 'at', 'product_sku', 'url', 'properties']), customer: pick(e.customer, ['email', 'domain', 'name', 'external_id']) })),
  });
}

/** PostgreSQL could not read the text as jsonb: a data exception (class 22) or a nesting too deep for its stack. */
function unreadable(err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? (err as { cause?: { code?: unknown } }).cause?.code ?? '');
  return code.startsWith('22') || code === '54001';
}

/** A request staged outside PostgreSQL (a Redis stream entry): its body as received, with what the endpoint decided. */
export type StagedBody = { apiKeyId: string | null; body: string; skip: number[]; receivedAt: Date };

/**
 * Stores the events of requests staged in Redis as pending rows, in one transaction under the
 * tenant's expansion lock (the same as `expandSignalBatches`, so the two never insert overlapping
 * ids in opposite orders): the caller acknowledges the entries only after this has committed, so
 * a crash in between stores nothing twice when they are read again (the unique key). A body
 * PostgreSQL cannot read as jsonb is stored as what is kept of its good events (`storedPart`).
 */
export async function expandStagedBodies(em: EntityManager, tenantId: string, bodies: StagedBody[]): Promise<ExpandedBatches> {
  if (bodies.length === 0) return { batches: 0, inserted: 0, duplicates: 0 };
  return em.fork().transactional(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`sfa.signals.expand.${tenantId}`]);
    const trx = tx.getTransactionContext() as Knex.Transaction;
    // Bind parameters (not `execute`, which would inline and escape the whole body in JavaScript).
    const run = async (b: StagedBody, body: string): Promise<Counts> => {
      const result = (await trx.raw(fromBody, [tenantId, b.apiKeyId, b.receivedAt, body, `{${b.skip.join(',')}}`])) as { rows: Counts[] };
      return { candidates: Number(result.rows[0]!.candidates), inserted: Number(result.rows[0]!.inserted) };
    };
    let candidates = 0;
    let inserted = 0;
    for (const b of bodies) {
      await trx.raw(`savepoint staged_body`);
      let counts: Counts;
      try {
        counts = await run(b, b.body);
        await trx.raw(`release savepoint staged_body`);
      } catch (err) {
        if (!unreadable(err)) throw err;
        await trx.raw(`rollback to savepoint staged_body`);
        counts = await run(b, storedPart(b.body, b.skip));
      }
      candidates += counts.candidates;
      inserted += counts.inserted;
    }
    return { batches: bodies.length, inserted, duplicates: candidates - inserted };
  });
}
