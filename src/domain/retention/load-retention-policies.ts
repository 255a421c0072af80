import type { EntityManager } from '@mikro-orm/postgresql';
import { defaultRetention, retentionKinds, type RetentionDays, type RetentionKind } from './retention-rules';

/** Where each kind's days live in `retention_policies`. */
export const retentionColumns: Record<RetentionKind, string> = {
  deliveries: 'deliveries_days',
  outbox: 'outbox_days',
  chatRequests: 'chat_requests_days',
  audit: 'audit_days',
};

export type RetentionPolicy = {
  tenantId: string;
  slug: string;
  days: RetentionDays;
  /** The kinds this tenant set itself (the others follow the defaults). */
  custom: Partial<RetentionDays>;
  /**
   * Rows older than these go, per kind, as PostgreSQL's own text: the microseconds survive the
   * trip back into the next statement (a JavaScript Date would round them).
   */
  cutoffs: Record<RetentionKind, string>;
};

type Row = { id: string; slug: string } & Record<string, string | number | null>;

/**
 * Each tenant's policy with its cut-offs, computed in SQL from the database's clock (or `asOf`),
 * so every statement of a run compares against the same instant. All tenants unless `tenantIds`.
 */
export async function loadRetentionPolicies(em: EntityManager, options: { tenantIds?: string[]; asOf?: Date } = {}): Promise<RetentionPolicy[]> {
  if (options.tenantIds?.length === 0) return [];
  const selectCutoffs = retentionKinds.map(
    (k) => `(coalesce(?::timestamptz, now()) - make_interval(days => coalesce(p.${retentionColumns[k]}, ?)))::text as ${retentionColumns[k]}_cutoff`,
  );
  const params: unknown[] = retentionKinds.flatMap((k) => [options.asOf ?? null, defaultRetention[k]]);
  const rows: Row[] = await em.execute(
    `select t.id, t.slug, ${retentionKinds.map((k) => `p.${retentionColumns[k]}`).join(', ')}, ${selectCutoffs.join(', ')}
       from tenants t left join retention_policies p on p.tenant_id = t.id
      ${options.tenantIds ? 'where t.id = any(array[?]::uuid[])' : ''}
      order by t.slug`,
    options.tenantIds ? [...params, options.tenantIds] : params,
  );
  return rows.map((row) => {
    const custom: Partial<RetentionDays> = {};
    for (const k of retentionKinds) if (row[retentionColumns[k]] !== null) custom[k] = Number(row[retentionColumns[k]]);
    const cutoffs = Object.fromEntries(retentionKinds.map((k) => [k, String(row[`${retentionColumns[k]}_cutoff`])])) as Record<RetentionKind, string>;
    return { tenantId: row.id, slug: row.slug, days: { ...defaultRetention, ...custom }, custom, cutoffs };
  });
}
