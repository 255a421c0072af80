import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { findRuleByName } from './save-signal-rule';
import type { SignalRule } from './signal-rule.entity';

/**
 * Deletes the rule of that name (any case); null when there is none. Its past firings stay (with
 * the rule's name), so nudges already sent still open. Admins only; audited.
 */
export async function removeSignalRule(em: EntityManager, actor: Actor, name: string): Promise<SignalRule | null> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change signal rules');
    const rule = await findRuleByName(tx, access.tenantId, name.slice(0, 200));
    if (!rule) return null;
    const before = snapshot(rule);
    tx.remove(rule);
    recordAudit(tx, access, 'signal_rule.remove', { type: 'signal_rule', id: rule.id }, before, null);
    await tx.flush();
    return rule;
  });
}
