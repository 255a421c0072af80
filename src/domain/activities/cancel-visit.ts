import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { loadInteraction, requirePlanned } from './interaction-access';
import type { Interaction } from './interaction.entity';
import { cancelVisitReminder } from './visit-reminders';

/** Cancels a planned visit; cancelling it again (a double click) is a no-op. */
export async function cancelVisit(em: EntityManager, actor: Actor, interactionId: string): Promise<Interaction> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const visit = await loadInteraction(tx, access, interactionId, 'write');
    if (visit.status === 'cancelled') return visit;
    requirePlanned(visit);
    const before = snapshot(visit);
    visit.status = 'cancelled';
    cancelVisitReminder(tx, visit);
    recordAudit(tx, access, 'interaction.cancel', { type: 'interaction', id: visit.id }, before, snapshot(visit));
    return visit;
  });
}
