import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { Customer } from '../customers/customer.entity';
import { recomputeCustomerTier } from '../customers/recompute-tiers';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { loadOpportunity, requireOpen } from './opportunity-access';
import { stages, type Opportunity, type Stage } from './opportunity.entity';
import { defaultStageProbability } from './score-opportunity';
import { checklistFor, uncheckedItems } from './checklists';
import { getDealGuide } from './get-deal-guide';
import { StageChange, type SkippedItem } from './stage-change.entity';

export type StageMove = { to: Stage; note?: string | null; lostReason?: string | null };

/**
 * Moves a deal to any stage, recording history. Moving to the stage it is already in is a no-op
 * (a double click on a stale card); closing as lost needs a reason; closed deals stay closed.
 * Exit-checklist items of the stage left that were not ticked are recorded on the stage change
 * (`skippedItems`) and in the audit; the chat asks before moving with any (see opp-stage.ts).
 */
export async function moveOpportunityStage(em: EntityManager, actor: Actor, opportunityId: string, move: StageMove): Promise<Opportunity> {
  const to = parseInput(z.enum(stages, { message: `must be one of ${stages.join(', ')}` }), move.to);
  const lostReason = move.lostReason?.trim().slice(0, 1000) || null;
  if (to === 'lost' && !lostReason) {
    throw invalidInput('Say why the deal was lost.', [{ field: 'lostReason', problem: 'is required', code: 'required' }]);
  }
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const opportunity = await loadOpportunity(tx, access, opportunityId, 'write');
    if (opportunity.stage === to) return opportunity;
    requireOpen(opportunity);
    const before = snapshot(opportunity);
    // Moving on (not closing as lost) with exit-checklist items not done: history keeps which.
    const skipped: SkippedItem[] = to === 'lost' ? [] : uncheckedItems(opportunity.checklistTicks, checklistFor((await getDealGuide(tx, access.tenantId)).checklists, opportunity.stage));
    const now = new Date();
    tx.assign(opportunity, {
      stage: to,
      stageChangedAt: now,
      probability: defaultStageProbability[to],
      closedAt: to === 'won' || to === 'lost' ? now : null,
      lostReason: to === 'lost' ? lostReason : null,
    });
    tx.create(StageChange, {
      tenantId: access.tenantId,
      opportunityId: opportunity.id,
      fromStage: before!.stage as Stage,
      toStage: to,
      changedBy: access.userId,
      note: move.note?.trim().slice(0, 1000) || lostReason,
      skippedItems: skipped.length > 0 ? skipped : null,
    } as StageChange);
    recordAudit(tx, access, `opportunity.stage.${to}`, { type: 'opportunity', id: opportunity.id }, before, { ...snapshot(opportunity), ...(skipped.length > 0 ? { skippedItems: skipped } : {}) });
    // Won revenue and open pipeline just changed: the customer's tier follows in this transaction
    // (one customer's sums, by index), so it never lags the win and no message is involved.
    if (to === 'won' || to === 'lost') {
      const customer = await tx.findOne(Customer, { id: opportunity.customerId, tenantId: access.tenantId });
      if (customer) await recomputeCustomerTier(tx, access, customer, now);
    }
    return opportunity;
  });
}

export const winOpportunity = (em: EntityManager, actor: Actor, opportunityId: string, note?: string) =>
  moveOpportunityStage(em, actor, opportunityId, { to: 'won', note });

export const loseOpportunity = (em: EntityManager, actor: Actor, opportunityId: string, lostReason: string) =>
  moveOpportunityStage(em, actor, opportunityId, { to: 'lost', lostReason });
