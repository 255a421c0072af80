import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../org/user.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { ReportSubscription } from './report-subscription.entity';

export type SubscriptionView = { subscription: ReportSubscription; ownerName: string };

/** An admin sees every subscription of the tenant; anyone else their own. */
export async function listReportSubscriptions(em: EntityManager, actor: Actor): Promise<SubscriptionView[]> {
  const access = await resolveAccess(em, actor);
  const subscriptions = await em.find(
    ReportSubscription,
    // Only a system actor has no user id, and it counts as an admin.
    { tenantId: access.tenantId, ...(access.role === 'admin' ? {} : { ownerId: access.userId! }) },
    { orderBy: { channelId: 'asc', period: 'asc' }, limit: 100 },
  );
  const owners = await em.find(User, { id: { $in: [...new Set(subscriptions.map((s) => s.ownerId))] } });
  const names = new Map(owners.map((u) => [u.id, u.name]));
  return subscriptions.map((subscription) => ({ subscription, ownerName: names.get(subscription.ownerId) ?? '?' }));
}
