import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../customers/customer.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Quote } from './quote.entity';

/** Quotes waiting for this person's decision, oldest first, with the customer's name. */
export async function listQuotesAwaitingApproval(em: EntityManager, actor: Actor, limit = 10): Promise<Array<{ quote: Quote; customerName: string }>> {
  const access = await resolveAccess(em, actor);
  if (!access.userId) return [];
  const quotes = await em.find(Quote, { tenantId: access.tenantId, approverId: access.userId, status: 'pending_approval' }, { orderBy: { createdAt: 'asc' }, limit });
  const customers = new Map((await em.find(Customer, { id: { $in: quotes.map((q) => q.customerId) } })).map((c) => [c.id, c.name]));
  return quotes.map((quote) => ({ quote, customerName: customers.get(quote.customerId) ?? '?' }));
}
