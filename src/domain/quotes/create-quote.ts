import { z } from 'zod';
import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { loadCustomer } from '../customers/customer-access';
import { Opportunity, openStages } from '../opportunities/opportunity.entity';
import { moveOpportunityStage } from '../opportunities/move-opportunity-stage';
import { loadOpportunity } from '../opportunities/opportunity-access';
import { User } from '../org/user.entity';
import { writeOutbox } from '../outbox/write-outbox';
import { priceLine, quoteTotal, type PriceRule as EngineRule } from '../pricing/price-engine';
import { PriceRule } from '../products/price-rule.entity';
import { Product } from '../products/product.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, invalidInput } from '../shared/domain-error';
import { sourceKeyText } from '../shared/source-key';
import { parseInput } from '../shared/validate';
import { Tenant } from '../tenants/tenant.entity';
import { findApprover } from './approval-policy';
import { Quote, QuoteLine } from './quote.entity';

const percent = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,3})?$/, 'must be a percentage like 5 or 7.5')
  .refine((v) => Number(v) <= 100, 'must be at most 100');

const schema = z.object({
  customerId: z.string().uuid('is not a customer id'),
  lines: z
    .array(z.object({ sku: z.string().trim().min(1).max(64), quantity: z.number().int('must be whole units').min(1, 'must be at least 1').max(1_000_000) }))
    .min(1, 'needs at least one product')
    .max(50, 'may have at most 50 lines'),
  extraPercentOff: percent.default('0'),
  validDays: z.number().int().min(1).max(365).default(30),
  opportunityId: z.string().uuid().nullish(),
  sourceKey: sourceKeyText,
});
export type CreateQuoteInput = z.input<typeof schema>;

/** A pending quote's approver is reminded if it is still waiting after this long. */
export const approvalReminderMs = 24 * 3600_000;

/**
 * Prices a quote with the tenant's rules (see pricing/price-engine.ts), and either approves it at
 * once (within the requester's own limit) or sends it to the approver the policy names. Linked to
 * the deal it belongs to — the one given, else the requester's latest open deal with this
 * customer — which moves to the quote stage. The approver is told through the outbox, so the
 * request and its message commit together.
 */
export async function createQuote(em: EntityManager, actor: Actor, input: CreateQuoteInput, now = new Date()): Promise<Quote> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    if (!access.userId) throw new DomainError('forbidden', 'Only a person can request a quote.', { reason: 'system' });
    if (data.sourceKey) {
      const earlier = await tx.findOne(Quote, { tenantId: access.tenantId, ownerId: access.userId, sourceKey: data.sourceKey });
      if (earlier) return earlier;
    }
    const requester = await tx.findOneOrFail(User, { id: access.userId, tenantId: access.tenantId });
    const customer = await loadCustomer(tx, access, data.customerId, 'read');
    const skus = [...new Set(data.lines.map((l) => l.sku.toUpperCase()))];
    const products = await tx.find(Product, { tenantId: access.tenantId, active: true, sku: { $in: skus } });
    const bySku = new Map(products.map((p) => [p.sku.toUpperCase(), p]));
    const unknown = skus.filter((s) => !bySku.has(s));
    if (unknown.length) throw invalidInput(`Unknown or inactive product: ${unknown.join(', ')}.`, unknown.map((sku) => ({ field: 'sku', problem: `${sku} is not in the catalog`, code: 'not_in_catalog' as const, value: sku })), { reason: 'unknown_sku', skus: unknown });
    const currencies = new Set(products.map((p) => p.currency));
    if (currencies.size > 1) throw invalidInput(`One quote, one currency: these products are priced in ${[...currencies].join(' and ')}.`, [{ field: 'lines', problem: 'mixed currencies', code: 'mixed_currencies' }]);
    const currency = products[0]!.currency;
    const rules = (await tx.find(PriceRule, { tenantId: access.tenantId, active: true })).map(toEngineRule);

    const priced = data.lines.map((l) => {
      const product = bySku.get(l.sku.toUpperCase())!;
      return {
        product,
        line: priceLine({ sku: product.sku, listPrice: product.listPrice, currency, quantity: l.quantity, customer: { tier: customer.tier, type: customer.industry, region: customer.region }, at: now, rules, extraPercentOff: data.extraPercentOff }),
      };
    });
    const total = quoteTotal(priced.map((p) => p.line), currency);
    const tenant = await tx.findOneOrFail(Tenant, { id: access.tenantId });
    const approver = await findApprover(tx, requester, tenant.approvalPolicy, data.extraPercentOff, total);

    const opportunity = data.opportunityId
      ? await loadOpportunity(tx, access, data.opportunityId, 'write')
      : await tx.findOne(Opportunity, { tenantId: access.tenantId, customerId: customer.id, ownerId: requester.id, stage: { $in: [...openStages] } }, { orderBy: { updatedAt: 'desc' } });
    if (opportunity && opportunity.customerId !== customer.id) throw invalidInput('That deal belongs to another customer.', [{ field: 'opportunityId', problem: 'other customer', code: 'other_customer' }]);

    // Numbers are per tenant and year; the tenant row's lock keeps two quotes from taking one.
    await tx.execute(`select id from tenants where id = ? for update`, [access.tenantId]);
    const year = DateTime.fromJSDate(now, { zone: requester.timezone }).year;
    const [{ n }] = await tx.execute<Array<{ n: number }>>(`select count(*)::int + 1 as n from quotes where tenant_id = ? and number like ?`, [access.tenantId, `Q-${year}-%`]);
    const quote = tx.create(Quote, {
      tenantId: access.tenantId,
      number: `Q-${year}-${String(n).padStart(4, '0')}`,
      customerId: customer.id,
      opportunityId: opportunity?.id ?? null,
      ownerId: requester.id,
      currency,
      status: approver ? 'pending_approval' : 'approved',
      extraPercentOff: data.extraPercentOff,
      total,
      validUntil: DateTime.fromJSDate(now, { zone: requester.timezone }).plus({ days: data.validDays }).toISODate()!,
      approverId: approver?.id ?? null,
      decidedBy: null,
      decidedAt: approver ? null : now,
      decisionComment: null,
      sourceKey: data.sourceKey ?? null,
    } as Quote);
    await tx.flush();
    priced.forEach(({ product, line }, position) =>
      tx.create(QuoteLine, { quoteId: quote.id, position, productId: product.id, sku: product.sku, name: product.name, quantity: line.quantity, listPrice: line.listPrice, unitPrice: line.unitPrice, total: line.total, applied: line.applied } as QuoteLine),
    );
    if (opportunity && (opportunity.stage === 'initial_contact' || opportunity.stage === 'solution')) {
      await moveOpportunityStage(tx, actor, opportunity.id, { to: 'quote', note: `Quote ${quote.number}` });
    }
    if (approver) {
      writeOutbox(tx, { tenantId: access.tenantId, topic: 'quote.approval_request', aggregateId: quote.id, action: 'schedule', payload: { quoteId: quote.id, approverId: approver.id } });
      writeOutbox(tx, { tenantId: access.tenantId, topic: 'quote.approval_reminder', aggregateId: quote.id, action: 'schedule', dueAt: new Date(now.getTime() + approvalReminderMs), payload: { quoteId: quote.id, approverId: approver.id } });
    }
    recordAudit(tx, access, 'quote.create', { type: 'quote', id: quote.id }, null, snapshot(quote));
    return quote;
  });
}

export function toEngineRule(r: PriceRule): EngineRule {
  const base = { id: r.id, name: r.name, sku: r.sku };
  switch (r.kind) {
    case 'price_list':
      return { ...base, kind: 'price_list', unitPrice: r.unitPrice ?? '0', tier: r.tier, customerType: r.customerType };
    case 'region':
      return { ...base, kind: 'region', region: r.region ?? '', percent: r.percent ?? '0' };
    case 'volume':
      return { ...base, kind: 'volume', minQuantity: r.minQuantity ?? 1, percentOff: r.percent ?? '0' };
    case 'promotion':
      return { ...base, kind: 'promotion', percentOff: r.percent ?? '0', validFrom: r.validFrom ?? new Date(0), validTo: r.validTo ?? new Date(8.64e15) };
    case 'cap':
      return { ...base, kind: 'cap', maxPercentOff: r.percent ?? '100' };
  }
}
