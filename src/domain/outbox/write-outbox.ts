import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxMessage, type OutboxAction } from './outbox-message.entity';

export type OutboxTopic = 'visit.reminder' | 'visit.follow_up' | 'quote.approval_request' | 'quote.approval_reminder' | 'quote.decided' | 'chat.command' | 'signal.nudge';

export type OutboxEntry = {
  tenantId: string;
  topic: OutboxTopic;
  aggregateId: string;
  action: OutboxAction;
  dueAt?: Date | null;
  payload?: Record<string, unknown>;
};

/**
 * Queues an outbox row in the caller's unit of work: call it inside the use case's transaction so
 * that the row commits (or rolls back) with the change it belongs to.
 */
export function writeOutbox(em: EntityManager, entry: OutboxEntry): void {
  em.create(OutboxMessage, {
    tenantId: entry.tenantId,
    topic: entry.topic,
    aggregateId: entry.aggregateId,
    action: entry.action,
    dueAt: entry.dueAt ?? null,
    payload: entry.payload ?? {},
    jobId: null,
    publishedAt: null,
    settledAt: null,
  } as OutboxMessage);
}
