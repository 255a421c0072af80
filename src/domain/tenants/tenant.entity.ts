import { defineEntity, type InferEntity } from '@mikro-orm/core';
import type { StageChecklists } from '../opportunities/checklists';
import type { Stage } from '../opportunities/opportunity.entity';
import type { ScoringSettings } from '../opportunities/scoring';
import type { ApprovalPolicy } from '../quotes/approval-policy';
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
    /** Local hour (in defaultTimezone) at which stalled-deal nudges go out. */
    nudgeHour: p.integer().default(9),
    /** Days a deal may sit in a stage before it counts as stalled, per stage; missing stages use the defaults. */
    stallDays: p.json<Partial<Record<Stage, number>>>().default('{}'),
    /** How much extra discount each role may give or approve; missing entries use the defaults. */
    approvalPolicy: p.json<ApprovalPolicy>().default('{}'),
    /** Weights (whole %), the score → win-probability curve and priority bands; `{}` is the defaults (see scoring.ts). */
    scoringSettings: p.json<Partial<ScoringSettings>>().default('{}'),
    /** Admins' own exit checklist per open stage; a stage not listed uses the default items. */
    stageChecklists: p.json<StageChecklists>().default('{}'),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type Tenant = InferEntity<typeof Tenant>;
