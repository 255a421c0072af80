import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../customers/customer.entity';
import { User } from '../org/user.entity';
import { inScope, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { Quote, QuoteLine } from './quote.entity';

export type QuoteView = { quote: Quote; lines: QuoteLine[]; customerName: string; ownerName: string; approverName: string | null; deciderName: string | null };

/** A quote with its lines and names, for its owner (and their managers), its approver, or an admin. */
export async function loadQuoteView(em: EntityManager, actor: Actor, quoteId: string): Promise<QuoteView> {
  const access = await resolveAccess(em, actor);
  const quote = isUuid(quoteId) ? await em.findOne(Quote, { id: quoteId, tenantId: access.tenantId }) : null;
  if (!quote || !(inScope(access, quote.ownerId) || quote.approverId === access.userId)) throw new DomainError('not_found', 'No such quote.', { reason: 'quote' });
  const lines = await em.find(QuoteLine, { quoteId: quote.id }, { orderBy: { position: 'asc' } });
  const customer = await em.findOne(Customer, { id: quote.customerId });
  const people = new Map((await em.find(User, { id: { $in: [quote.ownerId, quote.approverId, quote.decidedBy].filter((x): x is string => !!x) } })).map((u) => [u.id, u.name]));
  return {
    quote,
    lines,
    customerName: customer?.name ?? '?',
    ownerName: people.get(quote.ownerId) ?? '?',
    approverName: quote.approverId ? (people.get(quote.approverId) ?? '?') : null,
    deciderName: quote.decidedBy ? (people.get(quote.decidedBy) ?? '?') : null,
  };
}
