import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import { systemActor } from '../shared/actor';
import { archiveAudit, countOldAudit, type AuditArchived } from './archive-audit';
import { loadRetentionPolicies, type RetentionPolicy } from './load-retention-policies';
import { countPrunable, pruneRecords, type PruneCount, type PrunedKind } from './prune-records';
import { retentionKinds, type RetentionKind } from './retention-rules';
import { retentionTables, tableSizes } from './table-sizes';

export type RetentionOptions = {
  /** Every tenant when left out. */
  tenantIds?: string[];
  /** Where audit entries are written before they are deleted; null keeps audit past its retention. */
  archiveDir: string | null;
  /** Count only: nothing is archived or deleted. */
  dryRun?: boolean;
  /** The instant cut-offs are counted back from (the database's clock when left out). */
  asOf?: Date;
  /** Rows per statement (and per audit transaction). */
  batchSize?: number;
};

export type KindReport = {
  kind: RetentionKind;
  table: string;
  days: number;
  cutoff: Date;
  /** Rows older than the cut-off when the run began. */
  older: number;
  /** Of those, rows not finished (a delivery being sent, an unsettled outbox row …) or audit held back: they stay. */
  kept: number;
  /** Deleted by this run (a dry run: would be). */
  pruned: number;
  /** Audit entries written to an archive file by this run, before they were deleted. */
  archived: number;
};

/** Why audit entries past their retention stayed: no archive directory, or a month's archive file is not as it was left. */
export type AuditHeld = { reason: 'no_archive_dir' } | { reason: 'archive_mismatch'; message: string };

export type TenantRetention = { tenantId: string; slug: string; kinds: KindReport[]; auditHeld: AuditHeld | null; files: string[] };

export type RetentionReport = {
  dryRun: boolean;
  tenants: TenantRetention[];
  /** Per table, all tenants: pg_total_relation_size before and after, and how long the table took. */
  tables: Record<RetentionKind, { bytesBefore: number; bytesAfter: number; ms: number }>;
};

export const defaultBatchSize = 10_000;

const prunedKinds: PrunedKind[] = ['deliveries', 'outbox', 'chatRequests'];

/**
 * Applies each tenant's retention policy: finished deliveries, settled outbox rows and chat request
 * records past their days are deleted; audit entries past theirs are archived to gzip JSON Lines
 * first, and kept when there is nowhere to archive them. Table by table, all tenants together.
 * Safe to run twice, and twice at once.
 */
export async function runRetention(em: EntityManager, options: RetentionOptions): Promise<RetentionReport> {
  const before = await tableSizes(em);
  const policies = await loadRetentionPolicies(em, { tenantIds: options.tenantIds, asOf: options.asOf });
  const reports = new Map<string, KindReport[]>(policies.map((p) => [p.tenantId, []]));
  const ms = {} as Record<RetentionKind, number>;
  for (const kind of prunedKinds) {
    const started = Date.now();
    const results = await pruneKind(em, kind, policies, options);
    for (const p of policies) reports.get(p.tenantId)!.push(kindReport(p, kind, results.get(p.tenantId)!));
    ms[kind] = Date.now() - started;
  }
  const started = Date.now();
  const audit = await retainAudit(em, policies, options);
  ms.audit = Date.now() - started;
  const tenants: TenantRetention[] = [];
  for (const p of policies) {
    const a = audit.get(p.tenantId)!;
    const kinds = [...reports.get(p.tenantId)!, kindReport(p, 'audit', { older: a.older, eligible: a.older - a.kept, pruned: a.pruned, archived: a.archived })];
    if (!options.dryRun) await recordRun(em, p, kinds, a.files);
    tenants.push({ tenantId: p.tenantId, slug: p.slug, kinds, auditHeld: a.held, files: a.files });
  }
  const after = await tableSizes(em);
  const tables = Object.fromEntries(retentionKinds.map((k) => [k, { bytesBefore: before[k], bytesAfter: after[k], ms: ms[k] }])) as RetentionReport['tables'];
  return { dryRun: options.dryRun === true, tenants, tables };
}

type Counted = PruneCount & { pruned: number; archived: number };

function kindReport(policy: RetentionPolicy, kind: RetentionKind, c: Counted): KindReport {
  return { kind, table: retentionTables[kind], days: policy.days[kind], cutoff: new Date(policy.cutoffs[kind]), older: c.older, kept: c.older - c.eligible, pruned: c.pruned, archived: c.archived };
}

async function pruneKind(em: EntityManager, kind: PrunedKind, policies: RetentionPolicy[], options: RetentionOptions): Promise<Map<string, Counted>> {
  const counts = new Map<string, PruneCount>();
  for (const p of policies) counts.set(p.tenantId, await countPrunable(em, kind, { tenantId: p.tenantId, cutoff: p.cutoffs[kind] }));
  const targets = policies.filter((p) => counts.get(p.tenantId)!.eligible > 0).map((p) => ({ tenantId: p.tenantId, cutoff: p.cutoffs[kind] }));
  const pruned = options.dryRun ? null : await pruneRecords(em, kind, targets, options.batchSize ?? defaultBatchSize);
  return new Map(policies.map((p) => {
    const c = counts.get(p.tenantId)!;
    return [p.tenantId, { ...c, pruned: pruned ? (pruned.get(p.tenantId) ?? 0) : c.eligible, archived: 0 }];
  }));
}

type AuditOutcome = { older: number; kept: number; pruned: number; archived: number; files: string[]; held: AuditHeld | null };

async function retainAudit(em: EntityManager, policies: RetentionPolicy[], options: RetentionOptions): Promise<Map<string, AuditOutcome>> {
  const old = new Map<string, number>();
  for (const p of policies) old.set(p.tenantId, await countOldAudit(em, p.tenantId, p.cutoffs.audit));
  const due = policies.filter((p) => old.get(p.tenantId)! > 0);
  let archived = new Map<string, AuditArchived>();
  if (options.archiveDir && !options.dryRun) {
    archived = await archiveAudit(em, due.map((p) => ({ tenantId: p.tenantId, slug: p.slug, cutoff: p.cutoffs.audit })), options.archiveDir, options.batchSize ?? defaultBatchSize);
  }
  return new Map(policies.map((p): [string, AuditOutcome] => {
    const older = old.get(p.tenantId)!;
    const none = { older, kept: older, pruned: 0, archived: 0, files: [], held: null };
    if (older === 0) return [p.tenantId, none];
    if (!options.archiveDir) return [p.tenantId, { ...none, held: { reason: 'no_archive_dir' } }];
    if (options.dryRun) return [p.tenantId, { ...none, kept: 0, pruned: older }];
    const done = archived.get(p.tenantId)!;
    const held: AuditHeld | null = done.mismatch ? { reason: 'archive_mismatch', message: done.mismatch } : null;
    return [p.tenantId, { older, kept: older - done.archived, pruned: done.archived, archived: done.archived, files: done.files, held }];
  }));
}

/** What a run deleted goes into the audit itself (only when it deleted something: a second run adds nothing). */
async function recordRun(em: EntityManager, policy: RetentionPolicy, kinds: KindReport[], files: string[]): Promise<void> {
  if (!kinds.some((k) => k.pruned > 0)) return;
  const after = Object.fromEntries(kinds.map((k) => [k.kind, { days: k.days, cutoff: k.cutoff.toISOString(), pruned: k.pruned, archived: k.archived }]));
  await em.fork().transactional(async (tx) => {
    recordAudit(tx, await resolveAccess(tx, systemActor(policy.tenantId, 'retention')), 'retention.prune', { type: 'tenant', id: policy.tenantId }, null, { ...after, files });
  });
}
