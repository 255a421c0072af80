import { z } from 'zod';
import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { User } from '../org/user.entity';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { ReportSubscription, reportPeriods, subscriptionScopes } from './report-subscription.entity';

const schema = z.object({
  platform: z.enum(['slack', 'teams']),
  channelId: z.string().trim().min(1, 'is required').max(64),
  channelName: z.string().trim().max(100).nullish(),
  period: z.enum(reportPeriods),
  localTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 09:00')
    .optional(),
  timezone: z
    .string()
    .refine((zone) => DateTime.local().setZone(zone).isValid, 'is not a time zone')
    .optional(),
  scope: z.enum(subscriptionScopes).optional(),
});
export type SubscribeReportInput = z.input<typeof schema>;

/**
 * Managers and admins subscribe a channel to a report of their reach: a manager's team, an
 * admin's whole organisation (or their team, if they ask). Again for the same channel and period
 * replaces the earlier subscription. Time and zone default to 09:00 in the subscriber's zone.
 */
export async function subscribeReport(em: EntityManager, actor: Actor, input: SubscribeReportInput): Promise<ReportSubscription> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['manager', 'admin'], 'subscribe a channel to reports');
    if (!access.userId) throw new DomainError('forbidden', 'Only a person can subscribe to reports.', { reason: 'system' });
    const scope = data.scope ?? (access.role === 'admin' ? 'org' : 'team');
    if (scope === 'org' && access.role !== 'admin') throw new DomainError('forbidden', 'Only admins can subscribe to the organisation report.', { reason: 'role', allowed: ['admin'] });
    const me = await tx.findOneOrFail(User, { id: access.userId, tenantId: access.tenantId });
    const key = { tenantId: access.tenantId, platform: data.platform, channelId: data.channelId, period: data.period };
    const existing = await tx.findOne(ReportSubscription, key);
    if (existing && existing.ownerId !== me.id && access.role !== 'admin') {
      throw new DomainError('forbidden', 'Someone else set up this channel’s report: ask them or an admin to change it.', { reason: 'subscription_owned' });
    }
    const before = snapshot(existing);
    const subscription = existing ?? tx.create(ReportSubscription, { ...key } as ReportSubscription);
    subscription.ownerId = me.id;
    subscription.channelName = data.channelName ?? existing?.channelName ?? null;
    subscription.scope = scope;
    subscription.localTime = data.localTime ?? existing?.localTime ?? '09:00';
    subscription.timezone = data.timezone ?? me.timezone;
    await tx.flush();
    recordAudit(tx, access, existing ? 'report_subscription.update' : 'report_subscription.create', { type: 'report_subscription', id: subscription.id }, before, snapshot(subscription));
    return subscription;
  });
}
