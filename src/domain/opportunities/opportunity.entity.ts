import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import type { ChecklistTicks } from './checklists';

export const stages = ['initial_contact', 'solution', 'quote', 'negotiation', 'won', 'lost'] as const;
export type Stage = (typeof stages)[number];
export const openStages: readonly Stage[] = ['initial_contact', 'solution', 'quote', 'negotiation'];

export type ScoreInputs = Partial<Record<'urgency' | 'budget' | 'competition' | 'decisionMaker' | 'fit', number>>;

export const Opportunity = defineEntity({
  name: 'Opportunity',
  tableName: 'opportunities',
  indexes: [
    { properties: ['tenantId', 'ownerId', 'stage'] },
    { properties: ['tenantId', 'customerId'] },
  ],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    customerId: p.uuid(),
    ownerId: p.uuid(),
    title: p.string().length(200),
    /** Exact decimal kept as a string end to end; arithmetic goes through decimal.js. */
    amount: p.decimal().precision(14).scale(2),
    currency: p.string().length(3),
    expectedCloseDate: p.date().nullable(),
    stage: p.enum([...stages]).default('initial_contact'),
    stageChangedAt: p.datetime().onCreate(() => new Date()),
    probability: p.integer(),
    scoreInputs: p.json<ScoreInputs>().default('{}'),
    score: p.integer().nullable(),
    /** Win probability (%) read off the tenant's curve at the score; `probability` stays the stage's, which forecasts use. */
    winProbability: p.integer().nullable(),
    /** Points behaviour signals add to the score (score = min(100, round(weighted ratings + boost))). */
    signalBoost: p.integer().default(0),
    /** Exit-checklist ticks per stage, with the list they were made against. */
    checklistTicks: p.json<ChecklistTicks>().default('{}'),
    nextStep: p.text().nullable(),
    lostReason: p.text().nullable(),
    closedAt: p.datetime().nullable(),
    /** Where it was sold, when that is not simply the customer's region (imported orders); reports fall back to the customer's. */
    region: p.string().length(100).nullable(),
    /** The order it was imported from (`sfa import orders`, unique per tenant): a re-import updates it. */
    sourceOrderId: p.string().length(100).nullable(),
    /** Nudges about this deal are muted until then. */
    snoozedUntil: p.datetime().nullable(),
    /** The chat request that created it (unique per tenant): a retried request finds it instead of writing again. */
    sourceKey: p.string().length(100).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type Opportunity = InferEntity<typeof Opportunity>;
