import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { User } from '../org/user.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { loadInteraction, requirePlanned } from './interaction-access';
import type { Interaction } from './interaction.entity';
import { assertPlannable } from './plan-visit';
import { scheduleVisitReminder } from './visit-reminders';

export async function rescheduleVisit(em: EntityManager, actor: Actor, interactionId: string, when: Date): Promise<Interaction> {
  assertPlannable(when);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const visit = await loadInteraction(tx, access, interactionId, 'write');
    requirePlanned(visit);
    if (visit.scheduledAt?.getTime() === when.getTime()) return visit;
    const before = snapshot(visit);
    visit.scheduledAt = when;
    // The reminder follows the visit: a new outbox row supersedes the old reminder.
    scheduleVisitReminder(tx, visit, await tx.findOneOrFail(User, { id: visit.userId }));
    recordAudit(tx, access, 'interaction.reschedule', { type: 'interaction', id: visit.id }, before, snapshot(visit));
    return visit;
  });
}
