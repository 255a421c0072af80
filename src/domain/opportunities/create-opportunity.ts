import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isoDate } from '../activities/interaction-input';
import { recordAudit, snapshot } from '../audit/record-audit';
import { assertAssignableOwner } from '../customers/create-customer';
import { loadCustomer } from '../customers/customer-access';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { sourceKeyText } from '../shared/source-key';
import { parseInput } from '../shared/validate';
import { Tenant } from '../tenants/tenant.entity';
import { amountText, currencyCode, scoreInputsSchema } from './opportunity-input';
import { Opportunity } from './opportunity.entity';
import { lockedScoringSettings } from './opportunity-scoring';
import { defaultStageProbability } from './score-opportunity';
import { computeScore } from './scoring';
import { StageChange } from './stage-change.entity';

const schema = z.object({
  customerId: z.string().uuid('is not a customer id'),
  title: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  amount: amountText,
  currency: currencyCode.optional(),
  expectedCloseDate: isoDate.nullish(),
  nextStep: z.string().trim().max(1000).nullish(),
  scoreInputs: scoreInputsSchema.optional(),
  ownerId: z.string().uuid().optional(),
  sourceKey: sourceKeyText,
});
export type CreateOpportunityInput = z.input<typeof schema>;

export async function createOpportunity(em: EntityManager, actor: Actor, input: CreateOpportunityInput): Promise<Opportunity> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const ownerId = data.ownerId ?? access.userId;
    if (!ownerId) throw invalidInput('An opportunity needs an owner.', [{ field: 'ownerId', problem: 'is required', code: 'required' }]);
    await assertAssignableOwner(tx, access, ownerId);
    const customer = await loadCustomer(tx, access, data.customerId, 'read');
    const tenant = await tx.findOneOrFail(Tenant, { id: access.tenantId });
    const scoreInputs = data.scoreInputs ?? {};
    const opportunity = tx.create(Opportunity, {
      tenantId: access.tenantId,
      customerId: customer.id,
      ownerId,
      title: data.title,
      amount: data.amount,
      currency: data.currency ?? tenant.defaultCurrency,
      expectedCloseDate: data.expectedCloseDate ?? null,
      stage: 'initial_contact',
      probability: defaultStageProbability.initial_contact,
      scoreInputs,
      // Score and win probability with the tenant's weights and curve.
      ...computeScore(scoreInputs, 0, await lockedScoringSettings(tx, access.tenantId)),
      nextStep: data.nextStep ?? null,
      sourceKey: data.sourceKey ?? null,
    } as Opportunity);
    await tx.flush();
    tx.create(StageChange, { tenantId: access.tenantId, opportunityId: opportunity.id, fromStage: null, toStage: 'initial_contact', changedBy: access.userId } as StageChange);
    recordAudit(tx, access, 'opportunity.create', { type: 'opportunity', id: opportunity.id }, null, snapshot(opportunity));
    return opportunity;
  });
}
