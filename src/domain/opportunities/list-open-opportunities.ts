import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../customers/customer.entity';
import { resolveAccess, scopeCondition } from '../shared/access';
import type { Actor } from '../shared/actor';
import { openStages, Opportunity } from './opportunity.entity';

export type OpportunityListItem = { opportunity: Opportunity; customerName: string };

/** Open deals: the actor's own (`mine`) or everything in their reach (`team`), closing soonest first. */
export async function listOpenOpportunities(
  em: EntityManager,
  actor: Actor,
  options: { whose?: 'mine' | 'team'; offset?: number; limit?: number } = {},
): Promise<{ items: OpportunityListItem[]; total: number }> {
  const access = await resolveAccess(em, actor);
  const owner = options.whose === 'team' || !access.userId ? scopeCondition(access) : access.userId;
  const [opportunities, total] = await em.findAndCount(
    Opportunity,
    { tenantId: access.tenantId, stage: { $in: [...openStages] }, ...(owner ? { ownerId: owner } : {}) },
    { orderBy: { expectedCloseDate: 'asc nulls last', amount: 'desc' }, offset: options.offset ?? 0, limit: Math.min(options.limit ?? 10, 50) },
  );
  const customers = await em.find(Customer, { id: { $in: opportunities.map((o) => o.customerId) } });
  const names = new Map(customers.map((c) => [c.id, c.name]));
  return { items: opportunities.map((opportunity) => ({ opportunity, customerName: names.get(opportunity.customerId) ?? '?' })), total };
}
