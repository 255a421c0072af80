import type { EntityManager } from '@mikro-orm/postgresql';
import type { RetentionKind } from './retention-rules';

/** The table each kind of record lives in. */
export const retentionTables: Record<RetentionKind, string> = {
  deliveries: 'deliveries',
  outbox: 'outbox',
  chatRequests: 'chat_requests',
  audit: 'audit_log',
};

/** Bytes on disk per table, indexes and TOAST included (pg_total_relation_size). */
export async function tableSizes(em: EntityManager): Promise<Record<RetentionKind, number>> {
  const kinds = Object.keys(retentionTables) as RetentionKind[];
  const rows: Array<Record<string, string>> = await em.getConnection().execute(
    `select ${kinds.map((k) => `pg_total_relation_size('${retentionTables[k]}')::text as "${k}"`).join(', ')}`,
  );
  return Object.fromEntries(kinds.map((k) => [k, Number(rows[0]![k])])) as Record<RetentionKind, number>;
}
