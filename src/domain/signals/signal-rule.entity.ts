import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import { signalTypes } from './signal-event.entity';

/**
 * "At least `minCount` events of `eventType` within `windowDays` days" for one customer: of one
 * product (`productSku`), of each product counted apart (`perProduct`), or of any; optionally only
 * events whose URL contains `urlContains`. When it holds, the customer's deal is created or
 * strengthened (`scoreBump` points), or the pool customer flagged; see process-signals.ts.
 * Set by admins in chat or by CSV; unique per tenant by name (case-insensitive).
 */
export const SignalRule = defineEntity({
  name: 'SignalRule',
  tableName: 'signal_rules',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    name: p.string().length(100),
    eventType: p.enum([...signalTypes]),
    productSku: p.string().length(100).nullable(),
    perProduct: p.boolean().default(false),
    urlContains: p.string().length(200).nullable(),
    minCount: p.integer(),
    windowDays: p.integer(),
    scoreBump: p.integer().default(0),
    active: p.boolean().default(true),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type SignalRule = InferEntity<typeof SignalRule>;
