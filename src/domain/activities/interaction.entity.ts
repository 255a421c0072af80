import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export const interactionTypes = ['visit', 'call', 'email', 'meeting'] as const;
export type InteractionType = (typeof interactionTypes)[number];
/**
 * What the timeline may hold: what people log, and `signal`, the dated note a signal rule leaves on
 * a deal it strengthens (written by the system, never logged by a person, not a follow-up).
 */
export const timelineTypes = [...interactionTypes, 'signal'] as const;

export const interactionStatuses = ['planned', 'done', 'cancelled'] as const;
export type InteractionStatus = (typeof interactionStatuses)[number];

export const outcomes = ['met', 'partly', 'not_met'] as const;
export type Outcome = (typeof outcomes)[number];

/** A visit, call, email or meeting; planned ones carry `scheduledAt`, done ones `occurredAt`. */
export const Interaction = defineEntity({
  name: 'Interaction',
  tableName: 'interactions',
  indexes: [
    { properties: ['tenantId', 'customerId', 'occurredAt'] },
    { properties: ['tenantId', 'userId', 'status', 'scheduledAt'] },
  ],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    customerId: p.uuid(),
    userId: p.uuid(),
    opportunityId: p.uuid().nullable(),
    type: p.enum([...timelineTypes]).default('visit'),
    status: p.enum([...interactionStatuses]),
    scheduledAt: p.datetime().nullable(),
    occurredAt: p.datetime().nullable(),
    place: p.string().length(300).nullable(),
    purpose: p.text().nullable(),
    outcome: p.enum([...outcomes]).nullable(),
    notes: p.text().nullable(),
    problems: p.text().nullable(),
    nextStep: p.text().nullable(),
    followUpDate: p.date().nullable(),
    cost: p.decimal().precision(14).scale(2).nullable(),
    /** The chat request that created it (unique per tenant): a retried request finds it instead of writing again. */
    sourceKey: p.string().length(100).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type Interaction = InferEntity<typeof Interaction>;
