import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { parseInput } from '../shared/validate';
import { Tenant } from '../tenants/tenant.entity';
import { checklistFor, maxChecklistItemLength, maxChecklistItems, type OpenStage, type StageChecklist } from './checklists';
import { openStages } from './opportunity.entity';

const schema = z.object({
  stage: z.enum(openStages as unknown as [OpenStage, ...OpenStage[]]),
  items: z.array(z.string().trim().min(1, 'is required').max(maxChecklistItemLength)).min(1).max(maxChecklistItems).nullable(),
});

/**
 * Admins set the exit checklist of one open stage (items as typed, at most 10 of 120 characters),
 * or reset it to the defaults with `null`. Ticks deals already have for that stage belonged to the
 * old list and no longer count.
 */
export async function setStageChecklist(em: EntityManager, actor: Actor, stage: OpenStage, items: string[] | null): Promise<StageChecklist> {
  const data = parseInput(schema, { stage, items });
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change stage checklists');
    const tenant = await tx.findOneOrFail(Tenant, { id: access.tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const before = tenant.stageChecklists?.[data.stage] ?? null;
    const next = { ...(tenant.stageChecklists ?? {}) };
    if (data.items) next[data.stage] = data.items.map((i) => i.replace(/\s+/g, ' '));
    else delete next[data.stage];
    tenant.stageChecklists = next;
    recordAudit(tx, access, data.items ? 'tenant.checklist' : 'tenant.checklist.reset', { type: 'tenant', id: tenant.id }, { stage: data.stage, items: before }, { stage: data.stage, items: next[data.stage] ?? null });
    return checklistFor(next, data.stage)!;
  });
}

/** Every open stage's checklist in force (defaults where the tenant has none). Anyone in the tenant may read them. */
export async function listStageChecklists(em: EntityManager, actor: Actor): Promise<StageChecklist[]> {
  const access = await resolveAccess(em, actor);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId }, { refresh: true });
  return openStages.map((s) => checklistFor(tenant.stageChecklists, s)!);
}
