import type { EntityManager } from '@mikro-orm/postgresql';
import { replaceTierRules } from '../domain/customers/replace-tier-rules';
import { tierRuleSchema, type TierRuleData } from '../domain/customers/tier-rule-input';
import { systemActor } from '../domain/shared/actor';
import { isDomainError } from '../domain/shared/domain-error';
import type { CommandContext } from './context';
import { flagRepeats, parseCsv, readCsvFile, type RowError } from './csv';
import { describeImport, emptyResult, type ImportArgs, type ImportResult } from './import-result';
import { resolveTenant } from './resolve-tenant';

export const tierRuleColumns = {
  required: ['name', 'tier'],
  optional: ['position', 'key_account', 'region', 'industry', 'size', 'won_revenue_min', 'interactions_min', 'pipeline_min'],
} as const;

const columnOf: Record<string, string> = { keyAccount: 'key_account', regions: 'region', industries: 'industry', sizes: 'size', wonRevenueMin: 'won_revenue_min', interactionsMin: 'interactions_min', pipelineMin: 'pipeline_min' };

export type TierRulesImportResult = ImportResult & { removed: number; recomputed?: { evaluated: number; changed: number } };

const flags: Record<string, boolean> = { yes: true, y: true, true: true, '1': true, no: false, n: false, false: false, '0': false, 是: true, 否: false };
const cells = (text: string | undefined) => (text ?? '').split(';').map((v) => v.trim()).filter(Boolean);

/**
 * Imports the tier rules: the file IS the rule set, in order (`position`, then file order), so a
 * rule left out of the file is removed. All or nothing; under --skip-invalid the good rows are
 * imported and a rule whose row was bad stays as it was. Then every customer is recomputed.
 */
export async function importTierRules(em: EntityManager, tenantSlug: string | undefined, csvText: string, opts: { skipInvalid?: boolean } = {}): Promise<TierRulesImportResult> {
  const parsed = parseCsv(csvText, tierRuleColumns);
  const errors: RowError[] = [...parsed.errors];
  const rows: Array<{ line: number; position: number | null; rule: TierRuleData }> = [];
  const badNames: string[] = [];
  for (const { line, values: v } of parsed.rows) {
    const problems: string[] = [];
    const flag = v.key_account ? flags[v.key_account.toLowerCase()] : false;
    if (flag === undefined) problems.push('key_account must be yes or no');
    const position = v.position ? (/^\d{1,5}$/.test(v.position) && Number(v.position) >= 1 ? Number(v.position) : NaN) : null;
    if (Number.isNaN(position)) problems.push('position must be a whole number from 1');
    const interactions = v.interactions_min ? (/^\d{1,7}$/.test(v.interactions_min) ? Number(v.interactions_min) : NaN) : null;
    if (Number.isNaN(interactions)) problems.push('interactions_min must be a whole number');
    const amount = (text: string | undefined) => (text ? text.replace(/[,_\s]/g, '') : null);
    const result = tierRuleSchema.safeParse({
      name: v.name ?? '',
      tier: (v.tier ?? '').toUpperCase(),
      keyAccount: flag ?? false,
      regions: cells(v.region),
      industries: cells(v.industry),
      sizes: cells(v.size),
      wonRevenueMin: amount(v.won_revenue_min),
      interactionsMin: Number.isNaN(interactions) ? null : interactions,
      pipelineMin: amount(v.pipeline_min),
    });
    if (!result.success) problems.push(...result.error.issues.map((i) => `${columnOf[String(i.path[0])] ?? String(i.path[0] ?? 'row')} ${i.message}`));
    if (problems.length > 0 || !result.success) {
      errors.push(...problems.map((reason) => ({ line, reason })));
      if (v.name) badNames.push(v.name);
      continue;
    }
    rows.push({ line, position: position as number | null, rule: result.data });
  }
  errors.push(...flagRepeats(rows.map((r) => ({ line: r.line, key: r.rule.name.toLowerCase() })), (_k, lines) => `the same rule name appears more than once (lines ${lines.join(', ')})`));
  const rowCount = parsed.rows.length + parsed.errors.length;

  const tenant = await resolveTenant(em, tenantSlug);
  const badLines = new Set(errors.map((e) => e.line));
  const result: TierRulesImportResult = { ...emptyResult(tenant.slug, rowCount, errors), removed: 0 };
  if (badLines.size > 0 && !opts.skipInvalid) return result;
  // Rows with a position first, by position; then the others; the file's order breaks ties.
  const good = rows.filter((r) => !badLines.has(r.line)).sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity) || a.line - b.line);
  try {
    const done = await replaceTierRules(em, systemActor(tenant.id, 'cli'), good.map((r) => r.rule), { keep: badNames });
    Object.assign(result, { created: done.created, updated: done.updated, unchanged: done.unchanged, removed: done.removed, skipped: badLines.size, imported: true, recomputed: { evaluated: done.counts.evaluated, changed: done.counts.changed } });
  } catch (err) {
    if (!isDomainError(err)) throw err;
    result.errors.push({ line: 1, reason: err.message });
  }
  return result;
}

export async function importTierRulesCommand(ctx: CommandContext, args: ImportArgs): Promise<number> {
  const result = await importTierRules(ctx.orm.em.fork(), args.tenant, readCsvFile(args.file), { skipInvalid: args.skipInvalid });
  const { errors, summary } = describeImport('tier rules', result);
  errors.forEach((line) => ctx.err(line));
  ctx.out(summary);
  if (result.imported) ctx.out(`tier rules: ${result.removed} removed (not in the file); tiers recomputed: ${result.recomputed!.evaluated} customers checked, ${result.recomputed!.changed} changed`);
  return result.imported ? 0 : 1;
}
