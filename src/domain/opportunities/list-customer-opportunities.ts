import type { EntityManager } from '@mikro-orm/postgresql';
import { loadCustomer } from '../customers/customer-access';
import { inScope, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Opportunity } from './opportunity.entity';

/**
 * A customer's deals the actor may see, newest first: all of them when the customer is in reach
 * (or in the pool), else only those owned within reach.
 */
export async function listCustomerOpportunities(em: EntityManager, actor: Actor, customerId: string, limit = 10): Promise<Opportunity[]> {
  const access = await resolveAccess(em, actor);
  const customer = await loadCustomer(em, access, customerId, 'read');
  const customerInReach = customer.ownerId == null || inScope(access, customer.ownerId);
  const all = await em.find(Opportunity, { tenantId: access.tenantId, customerId: customer.id }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 100 });
  return all.filter((o) => customerInReach || inScope(access, o.ownerId)).slice(0, Math.min(Math.max(1, limit), 50));
}
