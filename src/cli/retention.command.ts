import path from 'node:path';
import { listAuditArchives } from '../domain/retention/list-audit-archives';
import { loadRetentionPolicies } from '../domain/retention/load-retention-policies';
import { retentionKinds, retentionLabels, type RetentionChange, type RetentionKind } from '../domain/retention/retention-rules';
import { runRetention, type RetentionReport } from '../domain/retention/run-retention';
import { setRetentionPolicy } from '../domain/retention/set-retention-policy';
import { retentionTables } from '../domain/retention/table-sizes';
import { systemActor } from '../domain/shared/actor';
import type { CommandContext } from './context';
import { CliError } from './errors';
import { resolveTenant } from './resolve-tenant';
import { formatTable } from './tenant.command';

/** The option that sets each kind on `sfa retention set`. */
export const retentionOptions: Record<RetentionKind, string> = { deliveries: 'deliveries', outbox: 'outbox', chatRequests: 'chat-requests', audit: 'audit' };

/**
 * ARCHIVE_DIR belongs to src/config.ts; the CLI's context carries only the ORM, so the command
 * reads the variable itself when --archive-dir is not given.
 */
const archiveDirOf = (given: string | undefined): string | null => {
  const dir = given ?? process.env.ARCHIVE_DIR;
  return dir ? path.resolve(dir) : null;
};

const count = (n: number) => n.toLocaleString('en-US');

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

export async function retentionShowCommand(ctx: CommandContext, args: { tenant?: string; archiveDir?: string }): Promise<number> {
  const em = ctx.orm.em.fork();
  const tenantIds = args.tenant ? [(await resolveTenant(em, args.tenant)).id] : undefined;
  const policies = await loadRetentionPolicies(em, { tenantIds });
  if (policies.length === 0) {
    ctx.out('no tenants yet; create one with: sfa tenant create <slug>');
    return 0;
  }
  const archives = await listAuditArchives(em, tenantIds);
  const header = ['tenant', ...retentionKinds.map((k) => `${retentionLabels[k]} (days)`), 'audit archived'];
  const rows = policies.map((p) => {
    const files = archives.filter((a) => a.tenantId === p.tenantId);
    const archived = files.length === 0 ? '-' : `${count(files.reduce((n, f) => n + f.entries, 0))} in ${files.length} file${files.length === 1 ? '' : 's'} (${files[0]!.month} … ${files[files.length - 1]!.month})`;
    return [p.slug, ...retentionKinds.map((k) => (k in p.custom ? String(p.days[k]) : `${p.days[k]} (default)`)), archived];
  });
  formatTable([header, ...rows]).forEach((l) => ctx.out(l));
  const dir = archiveDirOf(args.archiveDir);
  ctx.out(dir ? `audit archives: ${path.join(dir, 'audit')}` : 'audit archives: ARCHIVE_DIR is not set, so audit entries past their retention are kept');
  return 0;
}

/** `--audit 1095`, `--outbox default`: a whole number of days, or back to the default. */
function parseDays(option: string, value: string): number | null {
  if (value.trim().toLowerCase() === 'default') return null;
  if (!/^\d{1,6}$/.test(value.trim())) throw new CliError(`--${option} "${value}" must be a number of days or "default"`);
  return Number(value.trim());
}

export async function retentionSetCommand(ctx: CommandContext, args: { tenant?: string; days: Partial<Record<RetentionKind, string>> }): Promise<number> {
  const change: RetentionChange = {};
  for (const kind of retentionKinds) {
    const value = args.days[kind];
    if (value !== undefined) change[kind] = parseDays(retentionOptions[kind], value);
  }
  if (Object.keys(change).length === 0) {
    throw new CliError(`name what to change: ${retentionKinds.map((k) => `--${retentionOptions[k]} <days|default>`).join(', ')}`);
  }
  const tenant = await resolveTenant(ctx.orm.em.fork(), args.tenant);
  const policy = await setRetentionPolicy(ctx.orm.em.fork(), systemActor(tenant.id, 'cli'), change);
  ctx.out(`retention for ${policy.slug}: ${retentionKinds.map((k) => `${retentionLabels[k]} ${policy.days[k]} days${k in policy.custom ? '' : ' (default)'}`).join(', ')}`);
  return 0;
}

export async function retentionRunCommand(ctx: CommandContext, args: { tenant?: string; dryRun: boolean; archiveDir?: string }): Promise<number> {
  const em = ctx.orm.em.fork();
  const tenantIds = args.tenant ? [(await resolveTenant(em, args.tenant)).id] : undefined;
  const report = await runRetention(em, { tenantIds, archiveDir: archiveDirOf(args.archiveDir), dryRun: args.dryRun });
  printReport(ctx, report, archiveDirOf(args.archiveDir));
  return 0;
}

function printReport(ctx: CommandContext, report: RetentionReport, archiveDir: string | null): void {
  if (report.dryRun) ctx.out('dry run: nothing archived or deleted; "pruned" and "archived" say what a run would do');
  const header = ['tenant', 'table', 'days', 'cut-off (UTC)', 'older than cut-off', 'kept', 'archived', 'pruned'];
  const rows = report.tenants.flatMap((t) => t.kinds.map((k) => [t.slug, k.table, String(k.days), stamp(k.cutoff), count(k.older), count(k.kept), count(k.archived), count(k.pruned)]));
  formatTable([header, ...rows]).forEach((l) => ctx.out(l));
  ctx.out('');
  const sizes = retentionKinds.map((k) => [retentionTables[k], formatBytes(report.tables[k].bytesBefore), formatBytes(report.tables[k].bytesAfter), `${(report.tables[k].ms / 1000).toFixed(1)} s`]);
  formatTable([['table', 'size before', 'size after', 'took'], ...sizes]).forEach((l) => ctx.out(l));
  ctx.out('(PostgreSQL reuses the space of deleted rows; the files shrink only after VACUUM FULL or pg_repack)');
  for (const t of report.tenants) {
    if (t.auditHeld?.reason === 'no_archive_dir') ctx.err(`${t.slug}: audit entries past their retention were kept: set ARCHIVE_DIR (or --archive-dir) to archive and then delete them`);
    if (t.auditHeld?.reason === 'archive_mismatch') ctx.err(`${t.slug}: ${t.auditHeld.message}`);
    if (t.files.length > 0 && archiveDir) ctx.out(`${t.slug}: audit archived to ${t.files.map((f) => path.join(archiveDir, f)).join(', ')}`);
  }
}
