import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { User } from '../org/user.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { Interaction } from './interaction.entity';
import { maxReminderLeadMinutes, scheduleVisitReminder } from './visit-reminders';

const schema = z.object({ minutes: z
  .number({ message: 'must be a number of minutes' })
  .int('must be whole minutes')
  .min(0, 'must be 0 or more')
  .max(maxReminderLeadMinutes, `must be at most ${maxReminderLeadMinutes} (a day)`) });

/**
 * How many minutes before a planned visit the user wants their reminder (0–1440). Reminders of
 * visits already planned move with it.
 */
export async function setReminderLead(em: EntityManager, actor: Actor, minutes: number): Promise<User> {
  const lead = parseInput(schema, { minutes }).minutes;
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    if (!access.userId) throw new DomainError('forbidden', 'Only a person has a reminder lead time.', { reason: 'system' });
    const user = await tx.findOneOrFail(User, { id: access.userId, tenantId: access.tenantId });
    if (user.reminderLeadMinutes === lead) return user;
    const before = snapshot(user);
    user.reminderLeadMinutes = lead;
    const now = new Date();
    const upcoming = await tx.find(Interaction, { tenantId: access.tenantId, userId: user.id, status: 'planned', scheduledAt: { $gt: now } });
    for (const visit of upcoming) scheduleVisitReminder(tx, visit, user, now);
    recordAudit(tx, access, 'user.reminder_lead', { type: 'user', id: user.id }, before, snapshot(user));
    return user;
  });
}
