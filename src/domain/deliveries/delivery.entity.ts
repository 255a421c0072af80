import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * `sending`: claimed by a worker; `sent`: on the platform; `failed`: a retryable attempt failed;
 * `dead`: given up (a permanent platform error or retries exhausted), shown to admins.
 */
export const deliveryStatuses = ['sending', 'sent', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * One message a job means to send, keyed by an idempotency key such as
 * `visit-reminder.<visit>.<time>`. The unique key is what keeps a retried or stalled job from
 * posting twice: a worker claims the key before sending and marks it sent after.
 */
export const Delivery = defineEntity({
  name: 'Delivery',
  tableName: 'deliveries',
  indexes: [{ properties: ['tenantId', 'status', 'updatedAt'] }],
  properties: (p) => ({
    id: p.bigint('string').primary().autoincrement(),
    tenantId: p.uuid(),
    idempotencyKey: p.string().length(200).unique(),
    kind: p.string().length(50),
    userId: p.uuid().nullable(),
    channel: p.string().length(64).nullable(),
    status: p.enum([...deliveryStatuses]),
    attempts: p.integer().default(0),
    /** An earlier attempt may have reached the platform without us hearing back. */
    uncertain: p.boolean().default(false),
    error: p.text().nullable(),
    messageRef: p.string().length(64).nullable(),
    claimedAt: p.datetime().nullable(),
    sentAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type Delivery = InferEntity<typeof Delivery>;
