import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export const reportPeriods = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type ReportPeriod = (typeof reportPeriods)[number];

export const subscriptionScopes = ['team', 'org'] as const;
export type SubscriptionScope = (typeof subscriptionScopes)[number];

/**
 * A report posted into a channel after each period ends (daily, Monday, the 1st, 1 January) at a
 * local time. It is built as its owner would see it: a manager's subtree or, for an admin who
 * asked for it, the whole tenant. One per channel and period; subscribing again replaces it.
 */
export const ReportSubscription = defineEntity({
  name: 'ReportSubscription',
  tableName: 'report_subscriptions',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    ownerId: p.uuid(),
    scope: p.enum([...subscriptionScopes]),
    platform: p.enum(['slack', 'teams'] as const),
    channelId: p.string().length(64),
    /** As the platform named it when subscribed, for people to read; the id is what counts. */
    channelName: p.string().length(100).nullable(),
    period: p.enum([...reportPeriods]),
    /** HH:MM in `timezone`. */
    localTime: p.string().length(5).default('09:00'),
    timezone: p.string().length(64),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type ReportSubscription = InferEntity<typeof ReportSubscription>;
