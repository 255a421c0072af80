import type { EntityManager } from '@mikro-orm/postgresql';

export type AuditArchiveFile = { tenantId: string; month: string; path: string; entries: number; bytes: number };

/** The monthly audit files written so far (paths relative to the archive directory), oldest first. */
export async function listAuditArchives(em: EntityManager, tenantIds?: string[]): Promise<AuditArchiveFile[]> {
  if (tenantIds?.length === 0) return [];
  const rows: Array<{ tenant_id: string; month: string; path: string; entries: string; bytes: string }> = await em.execute(
    `select tenant_id, to_char(month, 'YYYY-MM') as month, path, entries::text, bytes::text from audit_archives
      ${tenantIds ? 'where tenant_id = any(array[?]::uuid[])' : ''} order by tenant_id, month`,
    tenantIds ? [tenantIds] : [],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, month: r.month, path: r.path, entries: Number(r.entries), bytes: Number(r.bytes) }));
}
