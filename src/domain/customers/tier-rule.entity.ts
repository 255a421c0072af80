import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import { tiers } from './customer.entity';

/**
 * An admin's tier rule: every condition it has must hold (an empty list or a null minimum is no
 * condition). Rules are tried by `position`, 1 first; the first that matches gives the customer
 * its tier and key-account flag. Amounts are in the tenant's default currency.
 */
export const TierRule = defineEntity({
  name: 'TierRule',
  tableName: 'tier_rules',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    name: p.string().length(100),
    position: p.integer(),
    tier: p.enum([...tiers]),
    keyAccount: p.boolean().default(false),
    regions: p.json<string[]>().default('[]'),
    industries: p.json<string[]>().default('[]'),
    sizes: p.json<string[]>().default('[]'),
    wonRevenueMin: p.decimal().precision(14).scale(2).nullable(),
    interactionsMin: p.integer().nullable(),
    pipelineMin: p.decimal().precision(14).scale(2).nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type TierRule = InferEntity<typeof TierRule>;
