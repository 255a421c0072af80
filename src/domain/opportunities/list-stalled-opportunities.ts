import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { Customer } from '../customers/customer.entity';
import { User } from '../org/user.entity';
import { resolveAccess, scopeCondition } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Tenant } from '../tenants/tenant.entity';
import { openStages, Opportunity } from './opportunity.entity';
import { stallReasons, type StallReason } from './stall-rules';

export type StalledOpportunity = {
  opportunity: Opportunity;
  customerName: string;
  ownerName: string;
  reasons: StallReason[];
};

/**
 * Open deals that need a nudge, not snoozed: the actor's own (`mine`) or all in their reach
 * (`team`: a manager's subtree, a system actor's tenant). Most reasons first, then largest.
 */
export async function listStalledOpportunities(
  em: EntityManager,
  actor: Actor,
  options: { now?: Date; whose?: 'mine' | 'team' } = {},
): Promise<StalledOpportunity[]> {
  const now = options.now ?? new Date();
  const access = await resolveAccess(em, actor);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const owner = options.whose === 'team' || !access.userId ? scopeCondition(access) : access.userId;
  const opportunities = await em.find(
    Opportunity,
    {
      tenantId: access.tenantId,
      stage: { $in: [...openStages] },
      ...(owner ? { ownerId: owner } : {}),
      $or: [{ snoozedUntil: null }, { snoozedUntil: { $lte: now } }],
    },
    { orderBy: { amount: 'desc', id: 'asc' } },
  );
  if (opportunities.length === 0) return [];

  const customers = new Map((await em.find(Customer, { id: { $in: [...new Set(opportunities.map((o) => o.customerId))] } })).map((c) => [c.id, c]));
  const owners = new Map((await em.find(User, { id: { $in: [...new Set(opportunities.map((o) => o.ownerId))] } })).map((u) => [u.id, u]));
  // Activity logged on the deal itself counts even when the customer's own timestamp lags; a signal's note is the customer's doing, not the rep's.
  const onDeal: Array<{ opportunity_id: string; last: Date }> = await em.execute(
    `select opportunity_id, max(occurred_at) as last from interactions
      where tenant_id = ? and status = 'done' and type <> 'signal' and opportunity_id in (${opportunities.map(() => '?').join(',')}) group by opportunity_id`,
    [access.tenantId, ...opportunities.map((o) => o.id)],
  );
  const dealActivity = new Map(onDeal.map((r) => [r.opportunity_id, new Date(r.last)]));
  const today = DateTime.fromJSDate(now, { zone: tenant.defaultTimezone }).toISODate() ?? now.toISOString().slice(0, 10);

  const stalled: StalledOpportunity[] = [];
  for (const opportunity of opportunities) {
    const customer = customers.get(opportunity.customerId);
    const candidates = [customer?.lastInteractionAt ?? null, dealActivity.get(opportunity.id) ?? null].filter((d): d is Date => d != null);
    const lastActivityAt = candidates.length ? new Date(Math.max(...candidates.map((d) => d.getTime()))) : null;
    const reasons = stallReasons(opportunity, { now, today, lastActivityAt, stallDays: tenant.stallDays });
    if (reasons.length === 0) continue;
    stalled.push({ opportunity, customerName: customer?.name ?? '?', ownerName: owners.get(opportunity.ownerId)?.name ?? '?', reasons });
  }
  // Stable: amount order from the query stays within the same number of reasons.
  return stalled.sort((a, b) => b.reasons.length - a.reasons.length);
}
