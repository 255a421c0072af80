import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/record-audit';
import { Customer } from '../customers/customer.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { canDismiss, loadSignalMatch, viewOf, type SignalMatchView } from './signal-match-view';

/**
 * The owner (or their manager, or an admin) says a signal needs nothing: the nudge is marked
 * dismissed, audited. Dismissing twice changes nothing more. The firing still counts: the rule does
 * not fire again for it within its window.
 */
export async function dismissSignalMatch(em: EntityManager, actor: Actor, matchId: string, now = new Date()): Promise<SignalMatchView> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const match = await loadSignalMatch(tx, access, matchId);
    const customer = await tx.findOne(Customer, { id: match.customerId, tenantId: access.tenantId });
    if (!canDismiss(access, match, customer?.ownerId ?? null)) {
      throw new DomainError('forbidden', 'Only the owner or their manager can dismiss this signal.', { reason: 'not_yours', entity: 'signal_match' });
    }
    if (!match.dismissedAt) {
      match.dismissedAt = now;
      match.dismissedBy = access.userId;
      recordAudit(tx, access, 'signal_match.dismiss', { type: 'signal_match', id: match.id }, { dismissedAt: null }, { dismissedAt: now.toISOString(), dismissedBy: access.userId });
      await tx.flush();
    }
    return viewOf(tx, access, match);
  });
}
