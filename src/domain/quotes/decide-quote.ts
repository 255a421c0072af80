import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { writeOutbox } from '../outbox/write-outbox';
import { lockForChange, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, invalidInput } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { Quote } from './quote.entity';

export type QuoteDecision = { quoteId: string; decision: 'approve' | 'reject'; comment?: string | null };

/**
 * The designated approver (or an admin) approves or rejects a pending quote; rejecting needs a
 * comment. Nobody decides on their own quote. The quote row is locked, so of two clicks the second
 * finds it decided and is refused with its current state ('conflict', reason 'decided'); the
 * requester is told through the outbox.
 */
export async function decideQuote(em: EntityManager, actor: Actor, input: QuoteDecision): Promise<Quote> {
  const comment = input.comment?.trim().slice(0, 2000) || null;
  if (input.decision === 'reject' && !comment) {
    throw invalidInput('Say why the quote is rejected.', [{ field: 'comment', problem: 'is required', code: 'required' }]);
  }
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const quote = isUuid(input.quoteId) ? await tx.findOne(Quote, { id: input.quoteId, tenantId: access.tenantId }, lockForChange(tx)) : null;
    if (!quote) throw new DomainError('not_found', 'No such quote.', { reason: 'quote' });
    if (quote.ownerId === access.userId) throw new DomainError('forbidden', 'You cannot decide on your own quote.', { reason: 'own_quote' });
    if (quote.approverId !== access.userId && access.role !== 'admin') throw new DomainError('forbidden', 'Only the approver of this quote or an admin can decide.', { reason: 'not_approver' });
    if (quote.status !== 'pending_approval') throw new DomainError('conflict', `This quote is already ${quote.status}.`, { reason: 'decided', status: quote.status });
    const before = snapshot(quote);
    quote.status = input.decision === 'approve' ? 'approved' : 'rejected';
    quote.decidedBy = access.userId;
    quote.decidedAt = new Date();
    quote.decisionComment = comment;
    writeOutbox(tx, { tenantId: access.tenantId, topic: 'quote.decided', aggregateId: quote.id, action: 'schedule', payload: { quoteId: quote.id, status: quote.status } });
    // The 24-hour reminder has nothing left to remind of.
    writeOutbox(tx, { tenantId: access.tenantId, topic: 'quote.approval_reminder', aggregateId: quote.id, action: 'cancel' });
    recordAudit(tx, access, `quote.${quote.status}`, { type: 'quote', id: quote.id }, before, snapshot(quote));
    return quote;
  });
}
