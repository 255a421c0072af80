import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const outboxActions = ['schedule', 'cancel'] as const;
export type OutboxAction = (typeof outboxActions)[number];

/**
 * Work promised by a committed change: "remind at dueAt", "forget that reminder". Written in the
 * same transaction as the change, so a change and its follow-up work commit together; a relay in
 * the worker turns rows into queued jobs and marks them published, and marks them settled once
 * the job has run. Rows only ever move forward, so a queue outage delays work but loses none.
 */
export const OutboxMessage = defineEntity({
  name: 'OutboxMessage',
  tableName: 'outbox',
  indexes: [
    { properties: ['topic', 'aggregateId'] },
    // Retention walks one tenant's settled rows in settling order.
    { properties: ['tenantId', 'settledAt'] },
    { name: 'outbox_unpublished_index', expression: 'create index "outbox_unpublished_index" on "outbox" ("id") where "published_at" is null' },
    { name: 'outbox_unsettled_index', expression: 'create index "outbox_unsettled_index" on "outbox" ("due_at") where "published_at" is not null and "settled_at" is null' },
  ],
  properties: (p) => ({
    id: p.bigint('string').primary().autoincrement(),
    tenantId: p.uuid(),
    /** What kind of work, e.g. `visit.reminder`; the relay maps topics to jobs. */
    topic: p.string().length(50),
    /** The record the work is about (a visit id): later rows for it supersede earlier ones. */
    aggregateId: p.string().length(64),
    action: p.enum([...outboxActions]),
    dueAt: p.datetime().nullable(),
    payload: p.json<Record<string, unknown>>(),
    /** The queue job id the relay used, so the job can be found (and removed) later. */
    jobId: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    publishedAt: p.datetime().nullable(),
    settledAt: p.datetime().nullable(),
  }),
});
export type OutboxMessage = InferEntity<typeof OutboxMessage>;
