import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { openStages } from '../opportunities/opportunity.entity';
import { Opportunity } from '../opportunities/opportunity.entity';
import { winOpportunity } from '../opportunities/move-opportunity-stage';
import { inScope, lockForChange, resolveAccess } from '../shared/access';
import { systemActor, type Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { Quote, type QuoteStatus } from './quote.entity';

const from: Record<'sent' | 'accepted', QuoteStatus[]> = { sent: ['approved'], accepted: ['approved', 'sent'] };

/**
 * The requester (or someone above them) records that an approved quote went to the customer, and
 * that the customer accepted it — which wins the deal it belongs to. A quote past its validity
 * cannot be sent or accepted; a second click finds it already there ('conflict', reason 'decided').
 */
export async function advanceQuote(em: EntityManager, actor: Actor, input: { quoteId: string; to: 'sent' | 'accepted' }, now = new Date()): Promise<Quote> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const quote = isUuid(input.quoteId) ? await tx.findOne(Quote, { id: input.quoteId, tenantId: access.tenantId }, lockForChange(tx)) : null;
    if (!quote || !inScope(access, quote.ownerId)) throw new DomainError('not_found', 'No such quote.', { reason: 'quote' });
    if (!from[input.to].includes(quote.status)) throw new DomainError('conflict', `This quote is ${quote.status}.`, { reason: 'decided', status: quote.status });
    if (quote.validUntil < DateTime.fromJSDate(now, { zone: 'UTC' }).toISODate()!) throw new DomainError('conflict', 'This quote has expired: make a new one.', { reason: 'decided', status: 'expired' });
    const before = snapshot(quote);
    quote.status = input.to;
    if (input.to === 'accepted' && quote.opportunityId) {
      const deal = await tx.findOne(Opportunity, { id: quote.opportunityId, tenantId: access.tenantId });
      if (deal && (openStages as readonly string[]).includes(deal.stage)) {
        // What the customer accepted is what was won: the deal's estimate gives way to the quote.
        if (deal.currency === quote.currency) deal.amount = quote.total;
        await winOpportunity(tx, actor, deal.id, `Quote ${quote.number} accepted`);
      }
    }
    await tx.flush();
    recordAudit(tx, access, `quote.${input.to}`, { type: 'quote', id: quote.id }, before, snapshot(quote));
    return quote;
  });
}

/** Quotes past their validity that were never accepted become expired (hourly, from the worker), each audited. */
export async function expireQuotes(em: EntityManager, now = new Date()): Promise<number> {
  const today = DateTime.fromJSDate(now, { zone: 'UTC' }).toISODate()!;
  const due = await em.find(Quote, { validUntil: { $lt: today }, status: { $in: ['pending_approval', 'approved', 'sent'] } }, { limit: 500 });
  for (const stale of due) {
    await em.transactional(async (tx) => {
      const quote = await tx.findOne(Quote, { id: stale.id }, lockForChange(tx));
      if (!quote || !['pending_approval', 'approved', 'sent'].includes(quote.status)) return;
      const access = await resolveAccess(tx, systemActor(quote.tenantId, 'quote expiry'));
      const before = snapshot(quote);
      quote.status = 'expired';
      await tx.flush();
      recordAudit(tx, access, 'quote.expired', { type: 'quote', id: quote.id }, before, snapshot(quote));
    });
  }
  return due.length;
}
