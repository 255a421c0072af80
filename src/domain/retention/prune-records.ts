import type { EntityManager } from '@mikro-orm/postgresql';

/** The kinds pruned without an archive: bookkeeping of work that is done. */
export type PrunedKind = 'deliveries' | 'outbox' | 'chatRequests';

export type PruneCount = {
  /** Rows older than the cut-off. */
  older: number;
  /** Of those, rows that may go (the rest are not finished: kept). */
  eligible: number;
};

/** One tenant's rows of a table older than its cut-off. */
export type PruneTarget = { tenantId: string; cutoff: string };

type Prunable = {
  table: string;
  key: string[];
  time: string;
  /** Each is one index range read in time order; together they are every row that may go. */
  ranges: string[];
  /** The same condition on the row as it is when locked (it may have changed since it was read). */
  finished: string;
  count: (target: PruneTarget) => [string, unknown[]];
};

/** Answered, or not waiting in the outbox (the intake keeps a command there, keyed by its request key, when Redis is down). */
const queuedCommandDone = `(r.answered_at is not null or not exists (select 1 from outbox o where o.topic = 'chat.command' and o.tenant_id = r.tenant_id and o.aggregate_id = left(r.key, 64) and o.settled_at is null))`;

/**
 * What may go, per table. Never a delivery still being sent (`sending`) or waiting for a retry
 * (`failed`); never an outbox row that is not settled; never the record of a queued chat command
 * whose outbox row has not settled (it may still run, and the record is what makes it run once).
 */
export const prunable: Record<PrunedKind, Prunable> = {
  deliveries: {
    table: 'deliveries',
    key: ['id'],
    time: 'updated_at',
    // One range per status: PostgreSQL 15 reads (tenant_id, status, updated_at) in order only for one status.
    ranges: [`r.status = 'sent'`, `r.status = 'dead'`],
    finished: `r.status in ('sent', 'dead')`,
    count: ({ tenantId, cutoff }) => [
      `select count(*)::int as older, (count(*) filter (where status in ('sent', 'dead')))::int as eligible
         from deliveries where tenant_id = ? and updated_at < ?::timestamptz`,
      [tenantId, cutoff],
    ],
  },
  outbox: {
    table: 'outbox',
    key: ['id'],
    time: 'settled_at',
    ranges: ['r.settled_at is not null'],
    finished: 'r.settled_at is not null',
    // Unsettled rows are old by their creation; settled ones by when they settled.
    count: ({ tenantId, cutoff }) => [
      `select e.n + u.n as older, e.n as eligible
         from (select count(*)::int as n from outbox where tenant_id = ? and settled_at < ?::timestamptz) e,
              (select count(*)::int as n from outbox where tenant_id = ? and settled_at is null and created_at < ?::timestamptz) u`,
      [tenantId, cutoff, tenantId, cutoff],
    ],
  },
  chatRequests: {
    table: 'chat_requests',
    key: ['tenant_id', 'key'],
    time: 'created_at',
    ranges: [queuedCommandDone],
    finished: queuedCommandDone,
    count: ({ tenantId, cutoff }) => [
      `select count(*)::int as older, (count(*) filter (where ${queuedCommandDone}))::int as eligible
         from chat_requests r where r.tenant_id = ? and r.created_at < ?::timestamptz`,
      [tenantId, cutoff],
    ],
  },
};

export async function countPrunable(em: EntityManager, kind: PrunedKind, target: PruneTarget): Promise<PruneCount> {
  const [sql, params] = prunable[kind].count(target);
  const rows: PruneCount[] = await em.getConnection().execute(sql, params);
  return { older: Number(rows[0]!.older), eligible: Number(rows[0]!.eligible) };
}

type Stream = PruneTarget & { from: string; fromMs: number; pruned: number; done: boolean };

/**
 * Deletes each tenant's rows older than its cut-off, `batchSize` rows per statement, each its own
 * transaction: locks, WAL and replication lag stay those of one batch on a table of any size.
 * Rows are locked `for update skip locked`, so two runs at once share the rows instead of waiting
 * on each other, and every row is deleted once. The tenant whose next rows are oldest goes next:
 * tenants' rows share pages, so every page is dirtied in one stretch (one full-page image after a
 * checkpoint) rather than once per tenant. Returns how many rows this run deleted, per tenant.
 */
export async function pruneRecords(em: EntityManager, kind: PrunedKind, targets: PruneTarget[], batchSize: number): Promise<Map<string, number>> {
  const spec = prunable[kind];
  const streams: Stream[] = targets.map((t) => ({ ...t, from: '-infinity', fromMs: -Infinity, pruned: 0, done: false }));
  for (;;) {
    const stream = streams.filter((s) => !s.done).sort((a, b) => a.fromMs - b.fromMs)[0];
    if (!stream) break;
    const params = [...spec.ranges.flatMap(() => [stream.tenantId, stream.from, stream.cutoff, batchSize]), batchSize, stream.tenantId, stream.cutoff];
    const [row] = (await em.getConnection().execute(batchSql(spec), params)) as Array<{ picked: number; last: string | null; last_ms: number | null; n: number }>;
    stream.pruned += Number(row!.n);
    // Rows another run has locked count as read: that run deletes them.
    if (Number(row!.picked) < batchSize || row!.last === null) stream.done = true;
    else Object.assign(stream, { from: row!.last, fromMs: Number(row!.last_ms) });
  }
  return new Map(streams.map((s) => [s.tenantId, s.pruned]));
}

/** Each batch starts where the last one ended (ties included), so no batch reads past rows already gone. */
function batchSql(spec: Prunable): string {
  const keyMatch = (a: string, b: string) => spec.key.map((k) => `${a}.${k} = ${b}.${k}`).join(' and ');
  const range = (where: string) =>
    `(select ${spec.key.map((k) => `r.${k}`).join(', ')}, r.${spec.time} as t from ${spec.table} r
       where r.tenant_id = ? and ${where} and r.${spec.time} >= ?::timestamptz and r.${spec.time} < ?::timestamptz
       order by r.${spec.time} limit ?)`;
  return `with picked as (select * from (${spec.ranges.map(range).join(' union all ')}) u order by t limit ?),
    batch as (select ${spec.key.map((k) => `r.${k}`).join(', ')} from ${spec.table} r join picked p on ${keyMatch('r', 'p')}
               where r.tenant_id = ? and ${spec.finished} and r.${spec.time} < ?::timestamptz
               for update of r skip locked),
    gone as (delete from ${spec.table} d using batch where ${keyMatch('d', 'batch')} returning 1)
    select (select count(*) from picked)::int as picked, (select max(t) from picked)::text as last,
           (select extract(epoch from max(t)) * 1000 from picked)::float8 as last_ms, (select count(*) from gone)::int as n`;
}
