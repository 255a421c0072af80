import type { EntityManager } from '@mikro-orm/postgresql';
import { ArchiveMismatch, auditArchivePath, writeArchiveMember } from './audit-archive-file';

/** `mismatch`: why archiving stopped early (a month's file is not as it was left); what came before it is archived. */
export type AuditArchived = { archived: number; files: string[]; mismatch: string | null };

type Tenant = { tenantId: string; slug: string };
type Line = { id: string; at: string; at_ms: number; month: string; line: string };

export async function countOldAudit(em: EntityManager, tenantId: string, cutoff: string): Promise<number> {
  const rows: Array<{ n: number }> = await em.getConnection().execute(`select count(*)::int as n from audit_log where tenant_id = ? and at < ?::timestamptz`, [tenantId, cutoff]);
  return Number(rows[0]!.n);
}

type Stream = Tenant & { cutoff: string; from: string; fromMs: number; done: AuditArchived | null; archived: number; files: Set<string> };

/**
 * Archives then deletes each tenant's audit entries older than its cut-off, oldest first, at most
 * `batchSize` per transaction and one month (UTC) per batch: the batch is written to the month's
 * file and synced to disk, then deleted, and the ledger records the file's new length — all while
 * the tenant's advisory lock is held, so a second run at the same time waits and then finds the
 * entries gone. A month whose file was changed stops that tenant there, with nothing of it
 * deleted. As with pruning, the tenant whose next entries are oldest goes next.
 */
export async function archiveAudit(em: EntityManager, targets: Array<Tenant & { cutoff: string }>, archiveDir: string, batchSize: number): Promise<Map<string, AuditArchived>> {
  const streams: Stream[] = targets.map((t) => ({ ...t, from: '-infinity', fromMs: -Infinity, done: null, archived: 0, files: new Set() }));
  for (;;) {
    const stream = streams.filter((s) => !s.done).sort((a, b) => a.fromMs - b.fromMs)[0];
    if (!stream) break;
    const finish = (mismatch: string | null) => (stream.done = { archived: stream.archived, files: [...stream.files], mismatch });
    try {
      const batch = await archiveBatch(em.fork(), stream, { from: stream.from, cutoff: stream.cutoff }, archiveDir, batchSize);
      if (!batch) {
        finish(null);
        continue;
      }
      stream.archived += batch.entries;
      stream.files.add(batch.path);
      Object.assign(stream, { from: batch.last, fromMs: batch.lastMs });
    } catch (err) {
      if (!(err instanceof ArchiveMismatch)) throw err;
      finish(err.message);
    }
  }
  return new Map(streams.map((s) => [s.tenantId, s.done!]));
}

async function archiveBatch(em: EntityManager, tenant: Tenant, range: { from: string; cutoff: string }, archiveDir: string, batchSize: number) {
  return em.transactional(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(hashtext('sfa.retention.audit'), hashtext(?))`, [tenant.tenantId]);
    const lines = await oldestMonth(tx, tenant.tenantId, range, batchSize);
    if (lines.length === 0) return null;
    const month = lines[0]!.month;
    const ledger: Array<{ path: string; bytes: string }> = await tx.execute(`select path, bytes from audit_archives where tenant_id = ? and month = ?::date`, [tenant.tenantId, `${month}-01`]);
    const file = ledger[0]?.path ?? auditArchivePath({ id: tenant.tenantId, slug: tenant.slug }, month);
    const bytes = await writeArchiveMember(archiveDir, file, Number(ledger[0]?.bytes ?? 0), lines.map((l) => l.line));
    await tx.execute(`delete from audit_log where id = any(array[?]::bigint[])`, [lines.map((l) => l.id)]);
    await tx.execute(
      `insert into audit_archives (tenant_id, month, path, bytes, entries, updated_at) values (?, ?::date, ?, ?, ?, now())
       on conflict (tenant_id, month) do update set bytes = excluded.bytes, entries = audit_archives.entries + excluded.entries, updated_at = now()`,
      [tenant.tenantId, `${month}-01`, file, bytes, lines.length],
    );
    const last = lines[lines.length - 1]!;
    return { entries: lines.length, path: file, last: last.at, lastMs: Number(last.at_ms) };
  });
}

/**
 * The next entries to archive, all from the month of the oldest one, as the lines the file gets:
 * every column of the row (a column added later is archived too), the id as a string and the time
 * in UTC with its microseconds, so a line reads back as exactly the row that was deleted.
 */
async function oldestMonth(tx: EntityManager, tenantId: string, range: { from: string; cutoff: string }, batchSize: number): Promise<Line[]> {
  return tx.execute(
    `with first as (
       select date_trunc('month', at at time zone 'UTC') as m from audit_log
        where tenant_id = ? and at >= ?::timestamptz and at < ?::timestamptz order by at limit 1)
     select a.id::text as id, a.at::text as at, (extract(epoch from a.at) * 1000)::float8 as at_ms, to_char(first.m, 'YYYY-MM') as month,
            (to_jsonb(a) || jsonb_build_object('id', a.id::text, 'at', to_char(a.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))::text as line
       from first, audit_log a
      where a.tenant_id = ? and a.at >= ?::timestamptz and a.at < ?::timestamptz
        and a.at >= (first.m at time zone 'UTC') and a.at < ((first.m + interval '1 month') at time zone 'UTC')
      order by a.at, a.id limit ?`,
    [tenantId, range.from, range.cutoff, tenantId, range.from, range.cutoff, batchSize],
  );
}
