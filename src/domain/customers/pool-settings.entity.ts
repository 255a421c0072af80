import { defineEntity, type InferEntity } from '@mikro-orm/core';
import type { Tier } from './customer.entity';

/** A tier's own return period, `none` for customers without a tier; null: that group never returns. */
export type PoolTierKey = Tier | 'none';
export type PoolTierDays = Partial<Record<PoolTierKey, number | null>>;

/**
 * A tenant's public-pool rules (no row: auto-return off, no claim limit). `returnDays` null turns
 * auto-return off; `tierDays` overrides it per tier; `warnDays` is how many days before the return
 * the owner is warned; `maxClaims` caps a rep's open claims (null: no cap).
 */
export const PoolSettings = defineEntity({
  name: 'PoolSettings',
  tableName: 'pool_settings',
  properties: (p) => ({
    tenantId: p.uuid().primary(),
    returnDays: p.integer().nullable(),
    tierDays: p.json<PoolTierDays>().default('{}'),
    warnDays: p.integer().default(3),
    maxClaims: p.integer().nullable(),
    updatedBy: p.uuid().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type PoolSettings = InferEntity<typeof PoolSettings>;
