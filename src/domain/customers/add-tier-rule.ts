import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, invalidInput } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { recomputeTenantTiers, type TierRecomputeCounts } from './recompute-tiers';
import { distinctValues, maxTierRules, tierRuleSchema, type TierRuleInput } from './tier-rule-input';
import { TierRule } from './tier-rule.entity';
import { loadTierRules, lockTierRules, renumber } from './tier-rules-store';

/**
 * Adds a rule at a position (default: last), then recomputes the tenant's tiers: a tenant has a
 * few thousand customers, which set-based SQL recomputes within a chat request (see README).
 * Admins only.
 */
export async function addTierRule(em: EntityManager, actor: Actor, input: TierRuleInput, options: { now?: Date } = {}): Promise<{ rule: TierRule; counts: TierRecomputeCounts }> {
  const data = parseInput(tierRuleSchema, input);
  const rule = await em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change tier rules');
    await lockTierRules(tx, access.tenantId, 'exclusive');
    const rules = await loadTierRules(tx, access.tenantId);
    if (rules.some((r) => r.name.toLowerCase() === data.name.toLowerCase())) throw new DomainError('duplicate', `A tier rule "${data.name}" already exists.`, { reason: 'tier_rule', name: data.name });
    if (rules.length >= maxTierRules) throw invalidInput(`At most ${maxTierRules} tier rules.`, [{ field: 'rules', problem: `at most ${maxTierRules}`, code: 'too_many', max: maxTierRules }]);
    const created = tx.create(TierRule, {
      tenantId: access.tenantId,
      name: data.name,
      position: 0,
      tier: data.tier,
      keyAccount: data.keyAccount,
      regions: distinctValues(data.regions),
      industries: distinctValues(data.industries),
      sizes: distinctValues(data.sizes),
      wonRevenueMin: data.wonRevenueMin ?? null,
      interactionsMin: data.interactionsMin ?? null,
      pipelineMin: data.pipelineMin ?? null,
      createdBy: access.userId,
    } as TierRule);
    const at = Math.min(data.position ?? rules.length + 1, rules.length + 1);
    const ordered = [...rules];
    ordered.splice(at - 1, 0, created);
    renumber(ordered);
    await tx.flush();
    recordAudit(tx, access, 'tier_rule.create', { type: 'tier_rule', id: created.id }, null, snapshot(created));
    return created;
  });
  return { rule, counts: await recomputeTenantTiers(em, actor, { now: options.now, trigger: 'rules' }) };
}
