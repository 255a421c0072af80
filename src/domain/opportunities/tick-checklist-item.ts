import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { checklistFor, tickedIndexes, toggleTick } from './checklists';
import { getDealGuide } from './get-deal-guide';
import { loadOpportunity, requireOpen } from './opportunity-access';
import { stages, type Opportunity, type Stage } from './opportunity.entity';

const schema = z.object({ stage: z.enum(stages), index: z.number().int().min(0).max(9) });

/**
 * Ticks an item of the deal's current stage's exit checklist, or unticks it when it was ticked.
 * `stage` is the stage the card showed: when the deal has moved on since, nothing changes
 * (`stale`). Ticks are kept per stage; the owner, their managers and admins may tick.
 */
export async function tickChecklistItem(em: EntityManager, actor: Actor, opportunityId: string, input: { stage: Stage; index: number }): Promise<{ opportunity: Opportunity; stale: boolean; done?: boolean }> {
  const { stage, index } = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const opportunity = await loadOpportunity(tx, access, opportunityId, 'write');
    if (opportunity.stage !== stage) return { opportunity, stale: true };
    requireOpen(opportunity);
    const checklist = checklistFor((await getDealGuide(tx, access.tenantId)).checklists, stage)!;
    if (index >= checklist.items.length) {
      throw invalidInput(`This stage's checklist has ${checklist.items.length} items.`, [{ field: 'index', problem: `must be below ${checklist.items.length}`, code: 'too_large', max: checklist.items.length - 1 }]);
    }
    const before = { stage, done: [...tickedIndexes(opportunity.checklistTicks, checklist)] };
    opportunity.checklistTicks = toggleTick(opportunity.checklistTicks, checklist, index);
    const done = tickedIndexes(opportunity.checklistTicks, checklist).has(index);
    recordAudit(tx, access, done ? 'opportunity.checklist.tick' : 'opportunity.checklist.untick', { type: 'opportunity', id: opportunity.id }, before, { stage, index, item: checklist.items[index], done: [...tickedIndexes(opportunity.checklistTicks, checklist)] });
    return { opportunity, stale: false, done };
  });
}
