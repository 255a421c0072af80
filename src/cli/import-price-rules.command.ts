import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../domain/audit/record-audit';
import { PriceRule, priceRuleKinds } from '../domain/products/price-rule.entity';
import { resolveAccess } from '../domain/shared/access';
import { systemActor } from '../domain/shared/actor';
import { newId } from '../domain/shared/ids';
import type { CommandContext } from './context';
import { flagRepeats, parseCsv, type RowError } from './csv';
import { emptyResult, runImportCommand, type ImportArgs, type ImportResult } from './import-result';
import { resolveTenant } from './resolve-tenant';

export const priceRuleColumns = {
  required: ['name', 'kind'],
  optional: ['sku', 'tier', 'customer_type', 'region', 'unit_price', 'percent', 'min_quantity', 'valid_from', 'valid_to', 'active'],
} as const;

const money = z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be a price like 90 or 89.50');
const pct = z.string().regex(/^-?\d{1,3}(\.\d{1,3})?$/, 'must be a percentage like 5 or 7.5');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-01');

const rowSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    kind: z.enum(priceRuleKinds, { message: `must be one of ${priceRuleKinds.join(', ')}` }),
    sku: z.string().trim().max(64).optional(),
    tier: z.enum(['A', 'B', 'C']).optional(),
    customerType: z.string().trim().max(100).optional(),
    region: z.string().trim().max(100).optional(),
    unitPrice: money.optional(),
    percent: pct.optional(),
    minQuantity: z.string().regex(/^\d{1,7}$/, 'must be a whole number').optional(),
    validFrom: day.optional(),
    validTo: day.optional(),
    active: z.enum(['true', 'false', 'yes', 'no', '1', '0']).optional(),
  })
  .superRefine((r, ctx) => {
    const need = (field: keyof typeof r, why: string) => {
      if (r[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: why });
    };
    if (r.kind === 'price_list') {
      need('unitPrice', `is required for a price_list`);
      if (!r.tier && !r.customerType) ctx.addIssue({ code: 'custom', path: ['tier'], message: 'or customer_type is required for a price_list' });
    }
    if (r.kind === 'region') { need('region', 'is required for a region rule'); need('percent', 'is required for a region rule'); }
    if (r.kind === 'volume') { need('minQuantity', 'is required for a volume break'); need('percent', 'is required for a volume break'); }
    if (r.kind === 'promotion') { need('percent', 'is required for a promotion'); need('validFrom', 'is required for a promotion'); need('validTo', 'is required for a promotion'); }
    if (r.kind === 'cap') need('percent', 'is required for a cap');
    if (r.kind !== 'region' && r.percent?.startsWith('-')) ctx.addIssue({ code: 'custom', path: ['percent'], message: 'may be negative only for a region rule' });
    if (r.validFrom && r.validTo && r.validFrom >= r.validTo) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be after valid_from' });
  });

const columnOf: Record<string, string> = { customerType: 'customer_type', unitPrice: 'unit_price', minQuantity: 'min_quantity', validFrom: 'valid_from', validTo: 'valid_to' };

/**
 * Imports price rules (see src/domain/pricing/price-engine.ts for how they combine), all or
 * nothing. A rule is identified by its name: a re-import replaces the rules of those names;
 * `active=false` switches one off.
 */
export async function importPriceRules(em: EntityManager, tenantSlug: string | undefined, csvText: string, opts: { skipInvalid?: boolean } = {}): Promise<ImportResult> {
  const parsed = parseCsv(csvText, priceRuleColumns);
  const errors: RowError[] = [...parsed.errors];
  const rows: Array<{ line: number; name: string; fields: Partial<PriceRule> }> = [];
  for (const { line, values: v } of parsed.rows) {
    const given = (x: string | undefined) => (x ? x : undefined);
    const result = rowSchema.safeParse({
      name: v.name ?? '',
      kind: v.kind?.toLowerCase() ?? '',
      sku: given(v.sku?.toUpperCase()),
      tier: given(v.tier?.toUpperCase()),
      customerType: given(v.customer_type),
      region: given(v.region),
      unitPrice: given(v.unit_price),
      percent: given(v.percent?.replace(/%$/, '')),
      minQuantity: given(v.min_quantity),
      validFrom: given(v.valid_from),
      validTo: given(v.valid_to),
      active: given(v.active?.toLowerCase()),
    });
    if (!result.success) {
      errors.push(...result.error.issues.map((i) => ({ line, reason: `${columnOf[String(i.path[0])] ?? String(i.path[0] ?? 'row')} ${i.message}` })));
      continue;
    }
    const d = result.data;
    rows.push({
      line,
      name: d.name,
      fields: {
        name: d.name,
        kind: d.kind,
        sku: d.sku ?? null,
        tier: d.tier ?? null,
        customerType: d.customerType ?? null,
        region: d.region ?? null,
        unitPrice: d.unitPrice ?? null,
        percent: d.percent ?? null,
        minQuantity: d.minQuantity ? Number(d.minQuantity) : null,
        validFrom: d.validFrom ? new Date(`${d.validFrom}T00:00:00Z`) : null,
        validTo: d.validTo ? new Date(`${d.validTo}T00:00:00Z`) : null,
        active: d.active === undefined ? true : ['true', 'yes', '1'].includes(d.active),
      },
    });
  }
  errors.push(...flagRepeats(rows.map((r) => ({ line: r.line, key: r.name.toLowerCase() })), (_k, lines) => `the same rule name appears more than once (lines ${lines.join(', ')})`));
  const rowCount = parsed.rows.length + parsed.errors.length;

  return em.transactional(async (tx) => {
    const tenant = await resolveTenant(tx, tenantSlug);
    const access = await resolveAccess(tx, systemActor(tenant.id, 'cli'));
    const badLines = new Set(errors.map((e) => e.line));
    const result = emptyResult(tenant.slug, rowCount, errors);
    if (badLines.size > 0 && !opts.skipInvalid) return result;
    const existing = new Map((await tx.find(PriceRule, { tenantId: tenant.id })).map((r) => [r.name.toLowerCase(), r]));
    for (const row of rows.filter((r) => !badLines.has(r.line))) {
      const rule = existing.get(row.name.toLowerCase());
      if (!rule) {
        const created = tx.create(PriceRule, { id: newId(), tenantId: tenant.id, ...row.fields } as PriceRule);
        recordAudit(tx, access, 'price_rule.create', { type: 'price_rule', id: created.id }, null, { ...row.fields });
        result.created++;
        continue;
      }
      const before = snapshot(rule);
      tx.assign(rule, row.fields);
      if (JSON.stringify(before) === JSON.stringify(snapshot(rule))) {
        result.unchanged++;
        continue;
      }
      recordAudit(tx, access, 'price_rule.update', { type: 'price_rule', id: rule.id }, before, snapshot(rule));
      result.updated++;
    }
    await tx.flush();
    result.skipped = badLines.size;
    result.imported = true;
    return result;
  });
}

export async function importPriceRulesCommand(ctx: CommandContext, args: ImportArgs): Promise<number> {
  return (await runImportCommand(ctx, 'price rules', args, importPriceRules)).code;
}
