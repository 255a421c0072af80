import type { EntityManager } from '@mikro-orm/postgresql';
import { loadCustomer } from '../customers/customer-access';
import { Opportunity } from '../opportunities/opportunity.entity';
import { User } from '../org/user.entity';
import { inScope, lockForChange, resolveAccess, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { SignalMatch } from './signal-match.entity';
import { SignalRule } from './signal-rule.entity';

/** A firing as its nudge shows it. */
export type SignalMatchView = {
  match: SignalMatch;
  customer: { id: string; name: string };
  opportunity: { id: string; title: string } | null;
  /** The rule's window and bump as they are now (null once the rule is removed). */
  rule: { windowDays: number; minCount: number } | null;
  dismissedByName: string | null;
  /** The owner, their managers and admins may dismiss it. */
  canDismiss: boolean;
};

export async function loadSignalMatch(em: EntityManager, access: Access, matchId: string): Promise<SignalMatch> {
  const match = isUuid(matchId) ? await em.findOne(SignalMatch, { id: matchId, tenantId: access.tenantId }, lockForChange(em)) : null;
  if (!match) throw new DomainError('not_found', 'No such signal.', { reason: 'signal_match' });
  return match;
}

/** The firing, if the actor may read its customer. */
export async function getSignalMatchView(em: EntityManager, actor: Actor, matchId: string): Promise<SignalMatchView> {
  const access = await resolveAccess(em, actor);
  return viewOf(em, access, await loadSignalMatch(em, access, matchId));
}

export async function viewOf(em: EntityManager, access: Access, match: SignalMatch): Promise<SignalMatchView> {
  const customer = await loadCustomer(em, access, match.customerId, 'read');
  const opportunity = match.opportunityId ? await em.findOne(Opportunity, { id: match.opportunityId, tenantId: access.tenantId }) : null;
  const rule = match.ruleId ? await em.findOne(SignalRule, { id: match.ruleId, tenantId: access.tenantId }) : null;
  const dismissedBy = match.dismissedBy ? await em.findOne(User, { id: match.dismissedBy, tenantId: access.tenantId }) : null;
  return {
    match,
    customer: { id: customer.id, name: customer.name },
    opportunity: opportunity ? { id: opportunity.id, title: opportunity.title } : null,
    rule: rule ? { windowDays: rule.windowDays, minCount: rule.minCount } : null,
    dismissedByName: dismissedBy?.name ?? null,
    canDismiss: canDismiss(access, match, customer.ownerId ?? null),
  };
}

export const canDismiss = (access: Access, match: SignalMatch, customerOwnerId: string | null): boolean =>
  inScope(access, match.ownerId ?? customerOwnerId);
