import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { parseInput } from '../shared/validate';
import { recomputeTenantTiers, type TierRecomputeCounts } from './recompute-tiers';
import { noSuchRule, ruleNamed } from './remove-tier-rule';
import type { TierRule } from './tier-rule.entity';
import { loadTierRules, lockTierRules, renumber } from './tier-rules-store';

/** Moves a rule to a position (1 is tried first; past the end is last) and recomputes. Admins only. */
export async function moveTierRule(em: EntityManager, actor: Actor, name: string, position: number, options: { now?: Date } = {}): Promise<{ rule: TierRule; counts: TierRecomputeCounts }> {
  const to = parseInput(z.object({ position: z.number().int().min(1).max(10_000) }), { position }).position;
  const rule = await em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change tier rules');
    await lockTierRules(tx, access.tenantId, 'exclusive');
    const rules = await loadTierRules(tx, access.tenantId);
    const found = ruleNamed(rules, name);
    if (!found) throw noSuchRule(name);
    const from = found.position;
    const ordered = rules.filter((r) => r !== found);
    ordered.splice(Math.min(to, rules.length) - 1, 0, found);
    renumber(ordered);
    if (found.position !== from) recordAudit(tx, access, 'tier_rule.move', { type: 'tier_rule', id: found.id }, { position: from }, { position: found.position });
    await tx.flush();
    return found;
  });
  return { rule, counts: await recomputeTenantTiers(em, actor, { now: options.now, trigger: 'rules' }) };
}
