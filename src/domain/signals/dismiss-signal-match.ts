import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { recordAudit } from '../audit/record-audit';
import { Customer } from '../customers/customer.entity';
import { moveOpportunityStage } from '../opportunities/move-opportunity-stage';
import { Opportunity, openStages } from '../opportunities/opportunity.entity';
import { scoreFactors } from '../opportunities/score-opportunity';
import { StageChange } from '../opportunities/stage-change.entity';
import { Interaction } from '../activities/interaction.entity';
import { resolveAccess, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { canDismiss, loadSignalMatch, viewOf, type SignalMatchView } from './signal-match-view';
import { SignalMatch } from './signal-match.entity';

/** What dismissing did to the deal the firing opened: closed it (untouched since), kept it (someone worked on it), or none. */
export type DismissedDeal = { outcome: 'closed' | 'kept'; title: string } | null;

/**
 * The owner (or their manager, or an admin) says a signal needs nothing: the nudge is marked
 * dismissed, audited. Dismissing twice changes nothing more. The firing still counts: the rule does
 * not fire again for it within its window.
 *
 * When this firing CREATED its deal and nobody has worked on that deal since, the deal is closed as
 * lost with `lostReason` (stage history and audit like any close): still in the first stage, never
 * moved, amount 0, not rated, no checklist item ticked, no activity logged for it (the firings' own
 * signal notes aside), and no other firing counted on it. Otherwise the deal stays open (`kept`), and the answer says so.
 */
export async function dismissSignalMatch(
  em: EntityManager,
  actor: Actor,
  matchId: string,
  now = new Date(),
  opts: { lostReason?: string } = {},
): Promise<SignalMatchView & { deal: DismissedDeal }> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const match = await loadSignalMatch(tx, access, matchId);
    const customer = await tx.findOne(Customer, { id: match.customerId, tenantId: access.tenantId });
    if (!canDismiss(access, match, customer?.ownerId ?? null)) {
      throw new DomainError('forbidden', 'Only the owner or their manager can dismiss this signal.', { reason: 'not_yours', entity: 'signal_match' });
    }
    let deal: DismissedDeal = null;
    if (!match.dismissedAt) {
      match.dismissedAt = now;
      match.dismissedBy = access.userId;
      recordAudit(tx, access, 'signal_match.dismiss', { type: 'signal_match', id: match.id }, { dismissedAt: null }, { dismissedAt: now.toISOString(), dismissedBy: access.userId });
      await tx.flush();
      deal = await closeUntouchedDeal(tx, actor, access, match, opts.lostReason ?? 'Signal dismissed');
    }
    return { ...(await viewOf(tx, access, match)), deal };
  });
}

async function closeUntouchedDeal(tx: EntityManager, actor: Actor, access: Access, match: SignalMatch, lostReason: string): Promise<DismissedDeal> {
  if (match.outcome !== 'created' || !match.opportunityId) return null;
  const deal = await tx.findOne(Opportunity, { id: match.opportunityId, tenantId: access.tenantId });
  // Closed meanwhile (won or lost by hand): nothing to do, nothing to say.
  if (!deal || !(openStages as readonly string[]).includes(deal.stage)) return null;
  if (!(await untouched(tx, deal, match))) return { outcome: 'kept', title: deal.title };
  try {
    await moveOpportunityStage(tx, actor, deal.id, { to: 'lost', lostReason });
  } catch (err) {
    // Someone who may dismiss the nudge but not change the deal (outside their reach): it stays.
    if (err instanceof DomainError && err.code === 'forbidden') return { outcome: 'kept', title: deal.title };
    throw err;
  }
  return { outcome: 'closed', title: deal.title };
}

async function untouched(tx: EntityManager, deal: Opportunity, match: SignalMatch): Promise<boolean> {
  if (deal.stage !== openStages[0] || !new Decimal(deal.amount).isZero()) return false;
  if (scoreFactors.some((f) => Number.isFinite(deal.scoreInputs?.[f]))) return false;
  if (Object.values(deal.checklistTicks ?? {}).some((t) => (t?.done?.length ?? 0) > 0)) return false;
  const [moves, activities, otherFirings] = await Promise.all([
    tx.count(StageChange, { opportunityId: deal.id, tenantId: deal.tenantId }),
    // The firings' own timeline notes (type signal) are not work on the deal.
    tx.count(Interaction, { opportunityId: deal.id, tenantId: deal.tenantId, type: { $ne: 'signal' } }),
    tx.count(SignalMatch, { opportunityId: deal.id, tenantId: deal.tenantId, id: { $ne: match.id } }),
  ]);
  // Creating the deal records its first stage: one row.
  return moves <= 1 && activities === 0 && otherFirings === 0;
}
