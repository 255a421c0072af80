import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export type Contact = { name: string; title?: string; phone?: string; email?: string };

export const tiers = ['A', 'B', 'C'] as const;
export type Tier = (typeof tiers)[number];

/** A customer with no owner sits in the public pool (公海), visible to and claimable by every rep. */
export const Customer = defineEntity({
  name: 'Customer',
  tableName: 'customers',
  indexes: [
    { properties: ['tenantId', 'ownerId'] },
    { properties: ['tenantId', 'searchName'] },
  ],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    name: p.string().length(200),
    /** NFKC-folded, lower-cased name: what search and duplicate checks compare. */
    searchName: p.string().length(200),
    contacts: p.json<Contact[]>().default('[]'),
    phone: p.string().length(50).nullable(),
    email: p.string().length(254).nullable(),
    website: p.string().length(200).nullable(),
    address: p.text().nullable(),
    region: p.string().length(100).nullable(),
    industry: p.string().length(100).nullable(),
    companySize: p.string().length(50).nullable(),
    source: p.string().length(100).nullable(),
    tags: p.json<string[]>().default('[]'),
    tier: p.enum([...tiers]).nullable(),
    keyAccount: p.boolean().default(false),
    /** The tier rule that matched when tiers were last computed (null: none matched, or no rules). */
    tierRuleId: p.uuid().nullable(),
    /** That rule's name as it was then, so the card can name it after the rule is renamed or removed. */
    tierRuleName: p.string().length(100).nullable(),
    /** Set by hand: wins over the rules until cleared. */
    tierOverride: p.enum([...tiers]).nullable(),
    keyAccountOverride: p.boolean().nullable(),
    /** When recomputing last wrote this customer's tier fields. */
    tierComputedAt: p.datetime().nullable(),
    ownerId: p.uuid().nullable(),
    /** When the current owner got it (claim, assignment, creation); kept by a database trigger. Null in the pool. */
    ownerSince: p.datetime().nullable(),
    /** Set when the owner claimed it from the pool, cleared when it leaves them: an open claim (claim limit). */
    claimedAt: p.datetime().nullable(),
    lastInteractionAt: p.datetime().nullable(),
    /** The id an external system (website, marketing tool) knows this customer by; unique per tenant. Signals may name it. */
    externalId: p.string().length(100).nullable(),
    /** A pool customer showed buying signals (a signal rule fired): the pool lists it first, with 🔥. */
    signalFlaggedAt: p.datetime().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type Customer = InferEntity<typeof Customer>;
