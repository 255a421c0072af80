import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import type { ChecklistItem } from './checklists';
import { stages } from './opportunity.entity';

export type SkippedItem = { index: number } & ChecklistItem;

export const StageChange = defineEntity({
  name: 'StageChange',
  tableName: 'opportunity_stage_changes',
  indexes: [{ properties: ['opportunityId', 'changedAt'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    opportunityId: p.uuid(),
    fromStage: p.enum([...stages]).nullable(),
    toStage: p.enum([...stages]),
    changedBy: p.uuid().nullable(),
    note: p.text().nullable(),
    /** The exit-checklist items not done when the deal moved on (null: none were left). */
    skippedItems: p.json<SkippedItem[]>().nullable(),
    changedAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type StageChange = InferEntity<typeof StageChange>;
