import path from 'node:path';
import { DumpRefused, importTenant } from '../db/backup/import-tenant';
import { exportTenant, TenantNotFound } from '../db/backup/export-tenant';
import { PsqlError } from '../db/backup/psql';
import type { CommandContext } from './context';
import { CliError } from './errors';

const size = (bytes: number) => (bytes < 1 << 20 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / (1 << 20)).toFixed(1)} MB`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What the person at the terminal can act on becomes a CliError (exit 1, no stack). */
async function asCliError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TenantNotFound || err instanceof DumpRefused || err instanceof PsqlError) throw new CliError(err.message);
    throw err;
  }
}

export const defaultDumpFile = (slug: string, now = new Date()): string => `tenant-${slug}-${now.toISOString().replace(/[:.]/g, '').slice(0, 15)}Z.sql.gz`;

export async function tenantExportCommand(ctx: CommandContext, args: { slug: string; out?: string }): Promise<number> {
  const out = path.resolve(args.out ?? defaultDumpFile(args.slug.trim().toLowerCase()));
  const s = await asCliError(() => exportTenant(ctx.orm, args.slug, out));
  const total = Object.values(s.rows).reduce((a, b) => a + b, 0);
  ctx.out(`tenant ${s.header.tenant.slug} exported to ${out} (${size(s.bytes)}, ${total} rows in ${Object.keys(s.rows).length} tables, ${seconds(s.ms)})`);
  for (const [table, rows] of Object.entries(s.rows)) if (rows > 0) ctx.out(`  ${table}: ${rows}`);
  ctx.out(`  at ${s.header.migrations.length} migrations (the last ${s.header.migrations.at(-1)}); import it into a database at the same ones`);
  ctx.out('  Slack tokens in it are sealed with ENCRYPTION_KEY: the target needs the same key');
  return 0;
}

export async function tenantImportCommand(ctx: CommandContext, args: { file: string }): Promise<number> {
  const s = await asCliError(() => importTenant(ctx.orm, path.resolve(args.file)));
  const total = Object.values(s.trailer.rows).reduce((a, b) => a + b, 0);
  ctx.out(`tenant ${s.header.tenant.slug} imported (${total} rows in ${s.header.tables.length} tables, ${seconds(s.ms)}; dump made ${s.header.madeAt})`);
  s.notes.forEach((note) => ctx.out(`  ${note}`));
  return 0;
}
