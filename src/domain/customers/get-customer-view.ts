import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { Interaction } from '../activities/interaction.entity';
import { openStages, Opportunity } from '../opportunities/opportunity.entity';
import { User } from '../org/user.entity';
import { resolveAccess, scopeCondition, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { canWriteCustomer, loadCustomer } from './customer-access';
import type { Customer } from './customer.entity';

export type CustomerView = {
  customer: Customer;
  ownerName: string | null;
  canEdit: boolean;
  /** Newest first: what was done, and what is planned next. */
  timeline: Array<Interaction & { userName: string }>;
  openOpportunities: Opportunity[];
  /** Done interactions per 30-day window, most recent window last: the relationship trend. */
  activityTrend: number[];
};

/** Everything a card about one customer shows, limited to what the actor may see. */
export async function getCustomerView(em: EntityManager, actor: Actor, customerId: string, options: { timelineLimit?: number } = {}): Promise<CustomerView> {
  const access = await resolveAccess(em, actor);
  const customer = await loadCustomer(em, access, customerId, 'read');
  // The owner's team sees every visit and deal on the customer; anyone else (pool) only their own.
  const ownerReach = visibleByCustomer(access, customer) ? {} : authoredBy(access);
  const timeline = await em.find(
    Interaction,
    { tenantId: access.tenantId, customerId: customer.id, status: { $ne: 'cancelled' }, ...ownerReach.user },
    { orderBy: { [raw('coalesce(occurred_at, scheduled_at)')]: 'desc' }, limit: Math.min(options.timelineLimit ?? 5, 50) },
  );
  const openOpportunities = await em.find(
    Opportunity,
    { tenantId: access.tenantId, customerId: customer.id, stage: { $in: [...openStages] }, ...ownerReach.owner },
    { orderBy: { expectedCloseDate: 'asc nulls last' }, limit: 10 },
  );
  const people = await em.find(User, { id: { $in: [customer.ownerId, ...timeline.map((t) => t.userId)].filter((id): id is string => !!id) } });
  const nameOf = (id: string | null) => people.find((p) => p.id === id)?.name ?? null;
  return {
    customer,
    ownerName: nameOf(customer.ownerId ?? null),
    canEdit: canWriteCustomer(access, customer),
    timeline: timeline.map((t) => Object.assign(t, { userName: nameOf(t.userId) ?? '?' })),
    openOpportunities,
    activityTrend: await activityTrend(em, customer.id, 6),
  };
}

const visibleByCustomer = (access: Access, customer: Customer) =>
  !!customer.ownerId && (access.scope === 'tenant' || access.scope.has(customer.ownerId));

function authoredBy(access: Access) {
  const reach = scopeCondition(access);
  return reach ? { user: { userId: reach }, owner: { ownerId: reach } } : {};
}

async function activityTrend(em: EntityManager, customerId: string, windows: number): Promise<number[]> {
  const rows: { bucket: number; n: string }[] = await em.execute(
    `select floor(extract(epoch from (now() - occurred_at)) / (30 * 86400))::int as bucket, count(*) as n
       from interactions where customer_id = ? and status = 'done' and type <> 'signal' and occurred_at > now() - (? * interval '30 days')
      group by 1`,
    [customerId, windows],
  );
  const counts = new Array<number>(windows).fill(0);
  for (const r of rows) if (r.bucket >= 0 && r.bucket < windows) counts[windows - 1 - r.bucket] = Number(r.n);
  return counts;
}
