import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenants',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    slug: p.string().length(63).unique(),
    name: p.string().length(200),
    slackTeamId: p.string().length(32).nullable().unique(),
    teamsTenantId: p.string().length(64).nullable().unique(),
    defaultLocale: p.string().length(10).default('en'),
    defaultTimezone: p.string().length(64).default('UTC'),
    defaultCurrency: p.string().length(3).default('USD'),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type Tenant = InferEntity<typeof Tenant>;
