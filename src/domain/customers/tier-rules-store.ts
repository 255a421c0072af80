import type { EntityManager } from '@mikro-orm/postgresql';
import type { TierRuleSpec } from './tier-engine';
import { orderRules } from './tier-engine';
import { TierRule } from './tier-rule.entity';

/**
 * Rule changes and recomputing meet on one advisory lock per tenant: recomputing holds it shared
 * (so deals won at the same moment do not wait for each other), a rule change exclusively (so no
 * recompute writes the id of a rule that is being removed). Whoever also locks customer rows takes
 * this lock first (a rule change then locks every customer it recomputes), so the two orders
 * never cross into a deadlock.
 */
export async function lockTierRules(em: EntityManager, tenantId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  await em.execute(`select ${mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock'}(hashtextextended(?, 0))`, [`tier_rules:${tenantId}`]);
}

/** The tenant's rules in the order they are tried. */
export async function loadTierRules(em: EntityManager, tenantId: string): Promise<TierRule[]> {
  return orderRules(await em.find(TierRule, { tenantId }, { orderBy: { position: 'asc', name: 'asc' } }));
}

export const ruleSpec = (r: TierRule): TierRuleSpec => ({
  id: r.id,
  name: r.name,
  position: r.position,
  tier: r.tier,
  keyAccount: r.keyAccount,
  regions: r.regions,
  industries: r.industries,
  sizes: r.sizes,
  wonRevenueMin: r.wonRevenueMin ?? null,
  interactionsMin: r.interactionsMin ?? null,
  pipelineMin: r.pipelineMin ?? null,
});

/** Positions 1…n in the given order, written only where they moved. */
export function renumber(rules: TierRule[]): void {
  rules.forEach((r, i) => {
    if (r.position !== i + 1) r.position = i + 1;
  });
}
