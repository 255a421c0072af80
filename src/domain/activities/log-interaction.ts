import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { loadCustomer } from '../customers/customer-access';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { sourceKeyText } from '../shared/source-key';
import { parseInput } from '../shared/validate';
import { Interaction, interactionTypes, outcomes } from './interaction.entity';
import { assertLinkableOpportunity } from './interaction-access';
import { assertNotInFuture, isoDate, moneyText, notesText } from './interaction-input';

const schema = z.object({
  customerId: z.string().uuid('is not a customer id'),
  type: z.enum(interactionTypes).default('visit'),
  occurredAt: z.coerce.date().optional(),
  place: notesText(300),
  purpose: notesText(2000),
  outcome: z.enum(outcomes).nullish(),
  notes: notesText(4000),
  problems: notesText(2000),
  nextStep: notesText(1000),
  followUpDate: isoDate.nullish(),
  cost: moneyText.nullish(),
  opportunityId: z.string().uuid().nullish(),
  sourceKey: sourceKeyText,
});
export type LogInteractionInput = z.input<typeof schema>;

/** Records a visit, call, email or meeting that has happened (now, unless told when). */
export async function logInteraction(em: EntityManager, actor: Actor, input: LogInteractionInput): Promise<Interaction> {
  const data = parseInput(schema, input);
  const occurredAt = data.occurredAt ?? new Date();
  assertNotInFuture(occurredAt);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    if (!access.userId) throw new DomainError('forbidden', 'Only a person can log an activity.', { reason: 'system' });
    const customer = await loadCustomer(tx, access, data.customerId, 'read');
    await assertLinkableOpportunity(tx, access, data.opportunityId, customer.id);
    const interaction = tx.create(Interaction, {
      tenantId: access.tenantId,
      customerId: customer.id,
      userId: access.userId,
      opportunityId: data.opportunityId ?? null,
      type: data.type,
      status: 'done',
      occurredAt,
      place: data.place ?? null,
      purpose: data.purpose ?? null,
      outcome: data.outcome ?? null,
      notes: data.notes ?? null,
      problems: data.problems ?? null,
      nextStep: data.nextStep ?? null,
      followUpDate: data.followUpDate ?? null,
      cost: data.cost ?? null,
      sourceKey: data.sourceKey ?? null,
    } as Interaction);
    if (!customer.lastInteractionAt || customer.lastInteractionAt < occurredAt) customer.lastInteractionAt = occurredAt;
    await tx.flush();
    recordAudit(tx, access, 'interaction.log', { type: 'interaction', id: interaction.id }, null, snapshot(interaction));
    return interaction;
  });
}
