import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../customers/customer.entity';
import { resolveAccess, scopeCondition } from '../shared/access';
import type { Actor } from '../shared/actor';
import { pageWindow } from '../shared/validate';
import { openStages, Opportunity } from './opportunity.entity';

export type OpportunityListItem = { opportunity: Opportunity; customerName: string };

/**
 * Open deals: the actor's own (`mine`) or everything in their reach (`team`), by priority: the
 * highest score first (unscored last), then the largest amount, then closing soonest.
 */
export async function listOpenOpportunities(
  em: EntityManager,
  actor: Actor,
  options: { whose?: 'mine' | 'team'; offset?: number; limit?: number } = {},
): Promise<{ items: OpportunityListItem[]; total: number }> {
  const access = await resolveAccess(em, actor);
  const { offset, limit } = pageWindow(options, 10, 50);
  const owner = options.whose === 'team' || !access.userId ? scopeCondition(access) : access.userId;
  const [opportunities, total] = await em.findAndCount(
    Opportunity,
    { tenantId: access.tenantId, stage: { $in: [...openStages] }, ...(owner ? { ownerId: owner } : {}) },
    // The id breaks ties so that pages neither repeat nor skip deals.
    { orderBy: { score: 'desc nulls last', amount: 'desc', expectedCloseDate: 'asc nulls last', id: 'asc' }, offset, limit },
  );
  const customers = await em.find(Customer, { id: { $in: opportunities.map((o) => o.customerId) } });
  const names = new Map(customers.map((c) => [c.id, c.name]));
  return { items: opportunities.map((opportunity) => ({ opportunity, customerName: names.get(opportunity.customerId) ?? '?' })), total };
}
