import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess } from '../domain/shared/access';
import { systemActor } from '../domain/shared/actor';
import { signalTypes } from '../domain/signals/signal-event.entity';
import { maxSignalRules, signalRuleSchema, type SignalRuleData } from '../domain/signals/signal-rule-input';
import { SignalRule } from '../domain/signals/signal-rule.entity';
import { upsertRule } from '../domain/signals/save-signal-rule';
import type { CommandContext } from './context';
import { flagRepeats, parseCsv, type RowError } from './csv';
import { emptyResult, runImportCommand, type ImportArgs, type ImportResult } from './import-result';
import { resolveTenant } from './resolve-tenant';

export const signalRuleColumns = {
  required: ['name', 'type'],
  optional: ['count', 'days', 'sku', 'url', 'bump', 'active'],
} as const;

const columnOf: Record<string, string> = { eventType: 'type', minCount: 'count', windowDays: 'days', productSku: 'sku', perProduct: 'sku', urlContains: 'url', scoreBump: 'bump' };
const whole = (text: string | undefined): number | string | undefined => (text ? (/^\d{1,6}$/.test(text) ? Number(text) : text) : undefined);
const flags: Record<string, boolean> = { true: true, yes: true, '1': true, y: true, false: false, no: false, '0': false, n: false };

/** The messages a person reads for a column (zod's own, with the range for numbers). */
function problem(issue: { code: string; message: string; path: (string | number)[]; minimum?: unknown; maximum?: unknown }): string {
  const column = columnOf[String(issue.path[0])] ?? String(issue.path[0] ?? 'row');
  if (issue.code === 'too_small' || issue.code === 'too_big' || (issue.code === 'invalid_type' && column !== 'name' && column !== 'type')) {
    const ranges: Record<string, string> = { count: '1 to 1000', days: '1 to 365', bump: '0 to 50' };
    if (ranges[column]) return `${column} must be a whole number from ${ranges[column]}`;
  }
  if (issue.code === 'invalid_enum_value' && column === 'type') return `type must be one of ${signalTypes.join(', ')}`;
  return `${column} ${issue.message}`;
}

/**
 * Imports signal rules (see src/domain/signals/evaluate-signal-rules.ts for how they count), all
 * or nothing unless --skip-invalid. A rule is identified by its name (any case): a re-import
 * replaces the rules of those names; `active=false` switches one off. `sku=each` counts each
 * product apart; count defaults to 1, days to 30, bump to 0.
 */
export async function importSignalRules(em: EntityManager, tenantSlug: string | undefined, csvText: string, opts: { skipInvalid?: boolean } = {}): Promise<ImportResult> {
  const parsed = parseCsv(csvText, signalRuleColumns);
  const errors: RowError[] = [...parsed.errors];
  const rows: Array<{ line: number; data: SignalRuleData }> = [];
  for (const { line, values: v } of parsed.rows) {
    const given = (x: string | undefined) => (x ? x : undefined);
    const each = ['each', '*', 'every'].includes((v.sku ?? '').toLowerCase());
    const active = given(v.active?.toLowerCase());
    const badActive = active !== undefined && !(active in flags);
    if (badActive) errors.push({ line, reason: 'active must be true or false' });
    const result = signalRuleSchema.safeParse({
      name: v.name ?? '',
      eventType: (v.type ?? '').toLowerCase(),
      minCount: whole(v.count) ?? 1,
      windowDays: whole(v.days) ?? 30,
      productSku: each ? null : given(v.sku),
      perProduct: each,
      urlContains: given(v.url),
      scoreBump: whole(v.bump?.replace(/^\+/, '')) ?? 0,
      active: active === undefined || badActive ? true : flags[active],
    });
    if (!result.success) {
      errors.push(...result.error.issues.map((i) => ({ line, reason: problem(i as Parameters<typeof problem>[0]) })));
      continue;
    }
    if (!badActive) rows.push({ line, data: result.data });
  }
  errors.push(...flagRepeats(rows.map((r) => ({ line: r.line, key: r.data.name.toLowerCase() })), (_k, lines) => `the same rule name appears more than once (lines ${lines.join(', ')})`));
  const rowCount = parsed.rows.length + parsed.errors.length;

  return em.transactional(async (tx) => {
    const tenant = await resolveTenant(tx, tenantSlug);
    const access = await resolveAccess(tx, systemActor(tenant.id, 'cli'));
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended('sfa.signal_rules.' || ?, 0))`, [tenant.id]);
    const existing = new Map((await tx.find(SignalRule, { tenantId: tenant.id })).map((r) => [r.name.toLowerCase(), r]));
    const newNames = rows.filter((r) => !existing.has(r.data.name.toLowerCase()));
    if (existing.size + newNames.length > maxSignalRules) {
      for (const r of newNames) errors.push({ line: r.line, reason: `a tenant can have at most ${maxSignalRules} signal rules (${existing.size} exist)` });
    }
    const badLines = new Set(errors.map((e) => e.line));
    const result = emptyResult(tenant.slug, rowCount, errors);
    if (badLines.size > 0 && !opts.skipInvalid) return result;
    for (const row of rows.filter((r) => !badLines.has(r.line))) {
      const saved = upsertRule(tx, access, existing.get(row.data.name.toLowerCase()) ?? null, row.data);
      if (saved.change === 'created') result.created++;
      else if (saved.change === 'updated') result.updated++;
      else result.unchanged++;
    }
    await tx.flush();
    result.skipped = badLines.size;
    result.imported = true;
    return result;
  });
}

export async function importSignalRulesCommand(ctx: CommandContext, args: ImportArgs): Promise<number> {
  return (await runImportCommand(ctx, 'signal rules', args, importSignalRules)).code;
}
