import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { loadCustomer } from '../customers/customer-access';
import { User } from '../org/user.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, invalidInput } from '../shared/domain-error';
import { sourceKeyText } from '../shared/source-key';
import { parseInput } from '../shared/validate';
import { Interaction, interactionTypes } from './interaction.entity';
import { assertLinkableOpportunity } from './interaction-access';
import { notesText } from './interaction-input';
import { scheduleVisitReminder } from './visit-reminders';

const schema = z.object({
  customerId: z.string().uuid('is not a customer id'),
  scheduledAt: z.coerce.date({ message: 'must be a date and time' }),
  type: z.enum(interactionTypes).default('visit'),
  place: notesText(300),
  purpose: notesText(2000),
  opportunityId: z.string().uuid().nullish(),
  sourceKey: sourceKeyText,
});
export type PlanVisitInput = z.input<typeof schema>;

const maxAheadMs = 366 * 24 * 3600_000;

export function assertPlannable(when: Date): void {
  if (Number.isNaN(when.getTime())) throw invalidInput('That is not a date and time.', [{ field: 'scheduledAt', problem: 'invalid', code: 'not_a_date' }]);
  if (when.getTime() < Date.now() - 60_000) {
    throw invalidInput('That time has already passed: log the visit instead, or pick a later time.', [{ field: 'scheduledAt', problem: 'in the past', code: 'in_the_past' }]);
  }
  if (when.getTime() > Date.now() + maxAheadMs) {
    throw invalidInput('Visits can be planned up to a year ahead.', [{ field: 'scheduledAt', problem: 'too far ahead', code: 'too_far_ahead' }]);
  }
}

export async function planVisit(em: EntityManager, actor: Actor, input: PlanVisitInput): Promise<Interaction> {
  const data = parseInput(schema, input);
  assertPlannable(data.scheduledAt);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    if (!access.userId) throw new DomainError('forbidden', 'Only a person can plan a visit.', { reason: 'system' });
    const customer = await loadCustomer(tx, access, data.customerId, 'read');
    await assertLinkableOpportunity(tx, access, data.opportunityId, customer.id);
    const visit = tx.create(Interaction, {
      tenantId: access.tenantId,
      customerId: customer.id,
      userId: access.userId,
      opportunityId: data.opportunityId ?? null,
      type: data.type,
      status: 'planned',
      scheduledAt: data.scheduledAt,
      place: data.place ?? null,
      purpose: data.purpose ?? null,
      sourceKey: data.sourceKey ?? null,
    } as Interaction);
    await tx.flush();
    scheduleVisitReminder(tx, visit, await tx.findOneOrFail(User, { id: access.userId }));
    recordAudit(tx, access, 'interaction.plan', { type: 'interaction', id: visit.id }, null, snapshot(visit));
    return visit;
  });
}
