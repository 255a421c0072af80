import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { ReportSubscription, type ReportPeriod } from './report-subscription.entity';

/**
 * Stops a channel's reports (one period, or all of them). Its owner or an admin may; the number
 * removed is returned (0: there was nothing to stop).
 */
export async function unsubscribeReport(
  em: EntityManager,
  actor: Actor,
  input: { platform: 'slack' | 'teams'; channelId: string; period?: ReportPeriod },
): Promise<number> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['manager', 'admin'], 'change report subscriptions');
    const found = await tx.find(ReportSubscription, {
      tenantId: access.tenantId,
      platform: input.platform,
      channelId: input.channelId,
      ...(input.period ? { period: input.period } : {}),
    });
    if (found.some((s) => s.ownerId !== access.userId) && access.role !== 'admin') {
      throw new DomainError('forbidden', 'Someone else set up this channel’s report: ask them or an admin to change it.', { reason: 'subscription_owned' });
    }
    for (const subscription of found) {
      recordAudit(tx, access, 'report_subscription.delete', { type: 'report_subscription', id: subscription.id }, snapshot(subscription), null);
      tx.remove(subscription);
    }
    await tx.flush();
    return found.length;
  });
}
