import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export const signalOutcomes = ['created', 'strengthened', 'flagged'] as const;
export type SignalOutcome = (typeof signalOutcomes)[number];

/** What a firing counted: the events in its window, by the sender's event ids (stable across a tenant export), and what the nudge shows. */
export type SignalEvidence = {
  eventIds: string[];
  count: number;
  eventType: string;
  /** The newest counted event's URL and time. */
  lastUrl: string | null;
  lastAt: string;
  firstAt: string;
};

/**
 * One firing of a signal rule for a customer (and product, for a per-product or one-product
 * rule): the window it counted, what it did (created or strengthened a deal, or flagged a pool
 * customer), and whether the owner dismissed the nudge. A rule fires at most once per window:
 * while a firing's `windowEnd` lies within the rule's window of a new candidate, it does not fire.
 */
export const SignalMatch = defineEntity({
  name: 'SignalMatch',
  tableName: 'signal_matches',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    ruleId: p.uuid().nullable(),
    /** Kept with the firing: the rule may be removed later. */
    ruleName: p.string().length(100),
    customerId: p.uuid(),
    productSku: p.string().length(100).nullable(),
    firedAt: p.datetime(),
    windowStart: p.datetime(),
    windowEnd: p.datetime(),
    evidence: p.json<SignalEvidence>(),
    /** Who was nudged (the customer's owner when it fired); null for a pool customer. */
    ownerId: p.uuid().nullable(),
    opportunityId: p.uuid().nullable(),
    outcome: p.enum([...signalOutcomes]),
    /** Points added to the deal's signal boost (after the cap). */
    scoreBump: p.integer().default(0),
    dismissedAt: p.datetime().nullable(),
    dismissedBy: p.uuid().nullable(),
  }),
});
export type SignalMatch = InferEntity<typeof SignalMatch>;
