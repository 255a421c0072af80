import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isoDate } from '../activities/interaction-input';
import { recordAudit, snapshot } from '../audit/record-audit';
import { assertAssignableOwner } from '../customers/create-customer';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { loadOpportunity, requireOpen } from './opportunity-access';
import { amountText, currencyCode, scoreInputsSchema } from './opportunity-input';
import type { Opportunity } from './opportunity.entity';
import { lockedScoringSettings, refreshOpportunityScore } from './opportunity-scoring';

const schema = z.object({
  title: z.string().trim().min(1, 'is required').max(200).optional(),
  amount: amountText.optional(),
  currency: currencyCode.optional(),
  expectedCloseDate: isoDate.nullish(),
  nextStep: z.string().trim().max(1000).nullish(),
  probability: z.number().int().min(0).max(100, 'must be 0 to 100').optional(),
  scoreInputs: scoreInputsSchema.optional(),
  ownerId: z.string().uuid().optional(),
});
export type UpdateOpportunityInput = z.input<typeof schema>;

export async function updateOpportunity(em: EntityManager, actor: Actor, opportunityId: string, input: UpdateOpportunityInput): Promise<Opportunity> {
  const patch = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    // New ratings are scored with the tenant's settings, read before the deal is locked (the lock order of a settings change).
    const settings = patch.scoreInputs ? await lockedScoringSettings(tx, access.tenantId) : undefined;
    const opportunity = await loadOpportunity(tx, access, opportunityId, 'write');
    requireOpen(opportunity);
    if (patch.ownerId && patch.ownerId !== opportunity.ownerId) {
      if (access.role === 'rep') throw new DomainError('forbidden', 'Only a manager or admin can hand a deal to someone else.', { reason: 'role' });
      await assertAssignableOwner(tx, access, patch.ownerId);
    }
    const before = snapshot(opportunity);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    tx.assign(opportunity, defined as Partial<Opportunity>);
    if (patch.scoreInputs) {
      opportunity.scoreInputs = { ...before?.scoreInputs as object, ...patch.scoreInputs };
      await refreshOpportunityScore(tx, opportunity, settings);
    }
    recordAudit(tx, access, 'opportunity.update', { type: 'opportunity', id: opportunity.id }, before, snapshot(opportunity));
    return opportunity;
  });
}
