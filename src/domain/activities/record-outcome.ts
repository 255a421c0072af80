import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { Customer } from '../customers/customer.entity';
import { User } from '../org/user.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { loadInteraction } from './interaction-access';
import { outcomes, type Interaction } from './interaction.entity';
import { assertNotInFuture, isoDate, moneyText, notesText } from './interaction-input';
import { cancelVisitReminder, scheduleFollowUpReminder } from './visit-reminders';

const schema = z.object({
  outcome: z.enum(outcomes, { message: 'must be met, partly or not_met' }),
  notes: notesText(4000),
  problems: notesText(2000),
  nextStep: notesText(1000),
  followUpDate: isoDate.nullish(),
  cost: moneyText.nullish(),
  occurredAt: z.coerce.date().optional(),
});
export type RecordOutcomeInput = z.input<typeof schema>;

/** Completes a planned visit with its result, or amends the result of a done one. */
export async function recordOutcome(em: EntityManager, actor: Actor, interactionId: string, input: RecordOutcomeInput): Promise<Interaction> {
  const data = parseInput(schema, input);
  if (data.occurredAt) assertNotInFuture(data.occurredAt);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const visit = await loadInteraction(tx, access, interactionId, 'write');
    if (visit.status === 'cancelled') throw new DomainError('conflict', 'This visit was cancelled.', { reason: 'not_planned', status: visit.status });
    const before = snapshot(visit);
    const occurredAt = visit.occurredAt ?? data.occurredAt ?? new Date();
    tx.assign(visit, {
      status: 'done',
      occurredAt,
      outcome: data.outcome,
      notes: data.notes ?? visit.notes,
      problems: data.problems ?? visit.problems,
      nextStep: data.nextStep ?? visit.nextStep,
      followUpDate: data.followUpDate ?? visit.followUpDate,
      cost: data.cost ?? visit.cost,
    });
    // A done visit needs no reminder any more; a new follow-up date becomes one.
    if (before?.status === 'planned') cancelVisitReminder(tx, visit);
    if (data.followUpDate && data.followUpDate !== before?.followUpDate) {
      scheduleFollowUpReminder(tx, visit, await tx.findOneOrFail(User, { id: visit.userId }));
    }
    const customer = await tx.findOneOrFail(Customer, { id: visit.customerId });
    if (!customer.lastInteractionAt || customer.lastInteractionAt < occurredAt) customer.lastInteractionAt = occurredAt;
    recordAudit(tx, access, 'interaction.outcome', { type: 'interaction', id: visit.id }, before, snapshot(visit));
    return visit;
  });
}
