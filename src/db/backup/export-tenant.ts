import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { IsolationLevel } from '@mikro-orm/core';
import type { MikroORM } from '../orm';
import { readCatalog, type Query } from './catalog';
import { deferredQuery, dumpFormat, epilogue, exportQuery, preamble, tableHead, tableTail, type DumpHeader, type IdRanges } from './dump-script';
import { copyOut, psqlTarget } from './psql';
import { planTenantDump, quoteIdent, tenantRowsWhere } from './tenant-dump-plan';

export type ExportSummary = { header: DumpHeader; rows: Record<string, number>; bytes: number; ms: number };

export class TenantNotFound extends Error {
  constructor(readonly slug: string, readonly slugs: string[]) {
    super(`unknown tenant "${slug}"${slugs.length ? ` (tenants: ${slugs.join(', ')})` : ''}`);
    this.name = 'TenantNotFound';
  }
}

export const migrationsTableOf = (orm: MikroORM): string => orm.config.get('migrations').tableName ?? 'mikro_orm_migrations';

/**
 * Writes one tenant's rows of every table that holds tenant data to `out` (gzip'd psql script).
 * Every table is read in one snapshot: the ORM's repeatable-read transaction exports it and each
 * psql that copies a table out joins it, so the dump is consistent while the service keeps
 * writing. The file appears under its name only once it is complete.
 */
export async function exportTenant(orm: MikroORM, slug: string, out: string): Promise<ExportSummary> {
  const started = Date.now();
  const target = psqlTarget(orm.config.get('clientUrl')!);
  const partial = `${out}.partial`;
  return orm.em.fork().transactional(
    async (tx) => {
      const query: Query = (sql, params = []) => tx.execute(sql, params);
      const [tenant] = await query<{ id: string; slug: string; name: string; slack_team_id: string | null; teams_tenant_id: string | null }>(
        `select id, slug, name, slack_team_id, teams_tenant_id from tenants where slug = ?`,
        [slug.trim().toLowerCase()],
      );
      if (!tenant) throw new TenantNotFound(slug, (await query<{ slug: string }>(`select slug from tenants order by slug`)).map((t) => t.slug));
      const catalog = await readCatalog(query);
      const plan = planTenantDump(catalog);
      const migrationsTable = migrationsTableOf(orm);
      const migrations = (await query<{ name: string }>(`select name from ${quoteIdent(migrationsTable)} order by id`)).map((m) => m.name);
      const header: DumpHeader = {
        format: dumpFormat,
        tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, slackTeamId: tenant.slack_team_id, teamsTenantId: tenant.teams_tenant_id },
        schema: catalog.schema,
        migrationsTable,
        migrations,
        tables: plan.tables.map((t) => t.table),
        globalTables: plan.globalTables,
        madeAt: new Date().toISOString(),
      };
      const ranges: IdRanges = new Map();
      for (const t of plan.tables.filter((d) => d.renumberable)) {
        const key = quoteIdent(t.renumberable!);
        const [r] = await query<{ min: string | null; max: string | null }>(`select min(${key})::text as min, max(${key})::text as max from ${quoteIdent(t.table)} where ${tenantRowsWhere(plan, t.table, tenant.id)}`);
        if (r?.min && r.max) ranges.set(t.table, { min: r.min, max: r.max });
      }
      const [{ snapshot }] = await query<{ snapshot: string }>(`select pg_export_snapshot() as snapshot`);
      const inSnapshot = (sql: string) =>
        `begin isolation level repeatable read, read only;\nset transaction snapshot '${snapshot}';\nset extra_float_digits = 3;\ncopy (${sql}) to stdout;\ncommit;\n`;

      const gzip = createGzip();
      const file = fs.createWriteStream(partial);
      // A file that cannot be written (disk full) ends the export: copyOut sees the stream close.
      const written = pipeline(gzip, file);
      written.catch(() => undefined);
      try {
        const rows: Record<string, number> = {};
        gzip.write(preamble(header, plan) + '\n');
        for (const t of plan.tables) {
          gzip.write(tableHead(t, ranges.get(t.table)));
          rows[t.table] = await copyOut(target, inSnapshot(exportQuery(plan, t, tenant.id)), gzip);
          gzip.write(tableTail(t, ranges.get(t.table)));
        }
        for (const t of plan.tables) {
          for (let i = 0; i < t.deferred.length; i++) {
            const fix = deferredQuery(plan, t, i, tenant.id);
            gzip.write(fix.head);
            await copyOut(target, inSnapshot(fix.query), gzip);
            gzip.write(fix.tail);
          }
        }
        gzip.end(epilogue(plan, tenant.id, { rows, finishedAt: new Date().toISOString() }));
        await written;
        fs.renameSync(partial, out);
        return { header, rows, bytes: fs.statSync(out).size, ms: Date.now() - started };
      } catch (err) {
        gzip.destroy();
        file.destroy();
        // The file's own error (ENOSPC, EACCES) says more than "could not be written".
        const fileError = await written.then(() => undefined, (e: NodeJS.ErrnoException) => (e.code === 'ERR_STREAM_PREMATURE_CLOSE' ? undefined : e));
        fs.rmSync(partial, { force: true });
        throw fileError ?? err;
      }
    },
    { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
  );
}
