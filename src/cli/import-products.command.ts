import Decimal from 'decimal.js';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../domain/audit/record-audit';
import { searchNameOf } from '../domain/customers/customer-access';
import { Product } from '../domain/products/product.entity';
import { resolveAccess } from '../domain/shared/access';
import { systemActor } from '../domain/shared/actor';
import { newId } from '../domain/shared/ids';
import type { CommandContext } from './context';
import { flagRepeats, parseCsv, type RowError } from './csv';
import { normaliseCurrency } from './fields';
import { emptyResult, runImportCommand, type ImportArgs, type ImportResult } from './import-result';
import { resolveTenant } from './resolve-tenant';

export const productColumns = {
  required: ['sku', 'name', 'list_price', 'currency'],
  optional: ['description', 'specs', 'features', 'use_cases', 'active'],
} as const;

const rowSchema = z.object({
  sku: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters').regex(/^[\p{L}\p{N}][\p{L}\p{N}._\-/]*$/u, 'may hold letters, digits and . _ - / only'),
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  listPrice: z.string().trim().regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be a price like 1299 or 1299.50 (no currency sign, no thousands separators)'),
  currency: z.string().nullable().refine((c) => c !== null, 'must be a three-letter code like USD or CNY'),
  description: z.string().trim().max(4000).optional(),
  specs: z.string().trim().max(4000).optional(),
  features: z.string().trim().max(4000).optional(),
  useCases: z.string().trim().max(4000).optional(),
  active: z.enum(['true', 'false', 'yes', 'no', '1', '0']).optional(),
});

const columnOf: Record<string, string> = { listPrice: 'list_price', useCases: 'use_cases' };

/**
 * Imports the product catalog into one tenant, all or nothing (like the other imports). A product
 * is identified by its SKU (case-insensitive); a re-import updates it; an empty optional cell never
 * clears a stored value.
 */
export async function importProducts(em: EntityManager, tenantSlug: string | undefined, csvText: string, opts: { skipInvalid?: boolean } = {}): Promise<ImportResult> {
  const parsed = parseCsv(csvText, productColumns);
  const errors: RowError[] = [...parsed.errors];
  const rows: Array<{ line: number; sku: string; fields: Record<string, unknown> }> = [];
  for (const { line, values: v } of parsed.rows) {
    const given = (x: string | undefined) => (x ? x : undefined);
    const result = rowSchema.safeParse({
      sku: v.sku ?? '',
      name: v.name ?? '',
      listPrice: v.list_price ?? '',
      currency: normaliseCurrency(v.currency ?? ''),
      description: given(v.description),
      specs: given(v.specs),
      features: given(v.features),
      useCases: given(v.use_cases),
      active: given(v.active?.toLowerCase()),
    });
    if (!result.success) {
      errors.push(...result.error.issues.map((i) => ({ line, reason: `${columnOf[String(i.path[0])] ?? String(i.path[0])} ${i.message}` })));
      continue;
    }
    const d = result.data;
    const fields: Record<string, unknown> = { name: d.name, searchName: searchNameOf(d.name), listPrice: new Decimal(d.listPrice).toFixed(2), currency: d.currency };
    for (const key of ['description', 'specs', 'features', 'useCases'] as const) if (d[key] !== undefined) fields[key] = d[key];
    if (d.active !== undefined) fields.active = ['true', 'yes', '1'].includes(d.active);
    rows.push({ line, sku: d.sku.toUpperCase(), fields });
  }
  errors.push(...flagRepeats(rows.map((r) => ({ line: r.line, key: r.sku })), (sku, lines) => `SKU ${sku} appears more than once (lines ${lines.join(', ')})`));
  const rowCount = parsed.rows.length + parsed.errors.length;

  return em.transactional(async (tx) => {
    const tenant = await resolveTenant(tx, tenantSlug);
    const access = await resolveAccess(tx, systemActor(tenant.id, 'cli'));
    const badLines = new Set(errors.map((e) => e.line));
    const result = emptyResult(tenant.slug, rowCount, errors);
    if (badLines.size > 0 && !opts.skipInvalid) return result;
    const existing = new Map((await tx.find(Product, { tenantId: tenant.id })).map((p) => [p.sku.toUpperCase(), p]));
    const created: Product[] = [];
    for (const row of rows.filter((r) => !badLines.has(r.line))) {
      const product = existing.get(row.sku);
      if (!product) {
        created.push(tx.create(Product, { id: newId(), tenantId: tenant.id, sku: row.sku, active: true, description: null, specs: null, features: null, useCases: null, ...row.fields } as Product));
        continue;
      }
      const changes = Object.fromEntries(Object.entries(row.fields).filter(([k, v]) => String((product as Record<string, unknown>)[k]) !== String(v)));
      if (Object.keys(changes).length === 0) {
        result.unchanged++;
        continue;
      }
      const before = snapshot(product);
      tx.assign(product, changes as Partial<Product>);
      recordAudit(tx, access, 'product.update', { type: 'product', id: product.id }, before, snapshot(product));
      result.updated++;
    }
    await tx.flush();
    for (const product of created) recordAudit(tx, access, 'product.create', { type: 'product', id: product.id }, null, snapshot(product));
    await tx.flush();
    result.created = created.length;
    result.skipped = badLines.size;
    result.imported = true;
    return result;
  });
}

export async function importProductsCommand(ctx: CommandContext, args: ImportArgs): Promise<number> {
  return (await runImportCommand(ctx, 'products', args, importProducts)).code;
}
