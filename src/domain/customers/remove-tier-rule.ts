import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { recomputeTenantTiers, type TierRecomputeCounts } from './recompute-tiers';
import type { TierRule } from './tier-rule.entity';
import { loadTierRules, lockTierRules, renumber } from './tier-rules-store';

/** Finds a rule by name, whatever its case. */
export const ruleNamed = (rules: TierRule[], name: string): TierRule | undefined => rules.find((r) => r.name.toLowerCase() === name.trim().toLowerCase());

export const noSuchRule = (name: string) => new DomainError('not_found', `No tier rule "${name}".`, { reason: 'tier_rule', name });

/** Removes a rule, closes the gap in the order and recomputes the tenant. Admins only. */
export async function removeTierRule(em: EntityManager, actor: Actor, name: string, options: { now?: Date } = {}): Promise<{ rule: TierRule; counts: TierRecomputeCounts }> {
  const rule = await em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change tier rules');
    await lockTierRules(tx, access.tenantId, 'exclusive');
    const rules = await loadTierRules(tx, access.tenantId);
    const found = ruleNamed(rules, name);
    if (!found) throw noSuchRule(name);
    recordAudit(tx, access, 'tier_rule.delete', { type: 'tier_rule', id: found.id }, snapshot(found), null);
    tx.remove(found);
    renumber(rules.filter((r) => r !== found));
    await tx.flush();
    return found;
  });
  return { rule, counts: await recomputeTenantTiers(em, actor, { now: options.now, trigger: 'rules' }) };
}
