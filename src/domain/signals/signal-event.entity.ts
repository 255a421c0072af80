import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const signalTypes = ['page_view', 'seminar_attended', 'download', 'form_submitted', 'custom'] as const;
export type SignalType = (typeof signalTypes)[number];

/** How the sender named the customer; at least one is given. */
export type SignalCustomerRef = { email?: string; domain?: string; name?: string; external_id?: string };

export const signalStatuses = ['pending', 'matched', 'unmatched'] as const;
export type SignalStatus = (typeof signalStatuses)[number];

/**
 * One behaviour event from an external system, kept once per (tenant, sender's event id): a
 * redelivered batch adds nothing. Stored as received (pending) and processed by the worker, which
 * resolves the customer and runs the tenant's signal rules in the same transaction that marks it.
 */
export const SignalEvent = defineEntity({
  name: 'SignalEvent',
  tableName: 'signal_events',
  indexes: [
    { properties: ['tenantId', 'status', 'receivedAt'] },
    { properties: ['tenantId', 'customerId', 'occurredAt'] },
  ],
  uniques: [{ properties: ['tenantId', 'eventId'] }],
  properties: (p) => ({
    /** bigserial: rows are processed in arrival order, and paging by id is cheap. */
    id: p.bigint('string').primary().autoincrement(),
    tenantId: p.uuid(),
    apiKeyId: p.uuid().nullable(),
    /** The sender's id of the event (idempotency key). */
    eventId: p.string().length(200),
    type: p.enum([...signalTypes]),
    occurredAt: p.datetime(),
    customerRef: p.json<SignalCustomerRef>(),
    productSku: p.string().length(100).nullable(),
    url: p.string().length(2000).nullable(),
    properties: p.json<Record<string, unknown>>().default('{}'),
    receivedAt: p.datetime().onCreate(() => new Date()),
    status: p.enum([...signalStatuses]).default('pending'),
    /** The customer it was matched to (null while pending, or when unmatched). */
    customerId: p.uuid().nullable(),
    processedAt: p.datetime().nullable(),
    /** How it was matched (external_id, email, domain, name) or why not (ambiguous, unknown). */
    resolution: p.string().length(20).nullable(),
  }),
});
export type SignalEvent = InferEntity<typeof SignalEvent>;
