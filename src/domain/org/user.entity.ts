import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export const roles = ['rep', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

export const locales = ['en', 'zh-CN'] as const;
export type Locale = (typeof locales)[number];

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  uniques: [
    { properties: ['tenantId', 'email'] },
    { properties: ['tenantId', 'slackUserId'] },
    { properties: ['tenantId', 'teamsAadObjectId'] },
  ],
  indexes: [{ properties: ['tenantId', 'orgUnitId'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    email: p.string().length(254).nullable(),
    name: p.string().length(200),
    role: p.enum([...roles]).default('rep'),
    orgUnitId: p.uuid().nullable(),
    locale: p.string().length(10).default('en'),
    timezone: p.string().length(64).default('UTC'),
    slackTeamId: p.string().length(32).nullable(),
    slackUserId: p.string().length(32).nullable(),
    teamsTenantId: p.string().length(64).nullable(),
    teamsAadObjectId: p.string().length(64).nullable(),
    reminderLeadMinutes: p.integer().default(30),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type User = InferEntity<typeof User>;
