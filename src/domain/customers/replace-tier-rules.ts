import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { recomputeTenantTiers, type TierRecomputeCounts } from './recompute-tiers';
import { distinctValues, maxTierRules, type TierRuleData } from './tier-rule-input';
import { TierRule } from './tier-rule.entity';
import { loadTierRules, lockTierRules, renumber } from './tier-rules-store';

export type TierRulesReplaced = { created: number; updated: number; unchanged: number; removed: number; counts: TierRecomputeCounts };

const fieldsOf = (d: TierRuleData) => ({
  name: d.name,
  tier: d.tier,
  keyAccount: d.keyAccount,
  regions: distinctValues(d.regions),
  industries: distinctValues(d.industries),
  sizes: distinctValues(d.sizes),
  wonRevenueMin: d.wonRevenueMin ? normalAmount(d.wonRevenueMin) : null,
  interactionsMin: d.interactionsMin ?? null,
  pipelineMin: d.pipelineMin ? normalAmount(d.pipelineMin) : null,
});

/** "500000" and "500000.00" are the same minimum: compared (and stored) with two decimals. */
function normalAmount(text: string): string {
  const [whole, fraction = ''] = text.split('.');
  return `${whole!.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(2, '0')}`;
}

const comparable = (r: Pick<TierRule, keyof ReturnType<typeof fieldsOf> | 'position'>) =>
  JSON.stringify([r.name, r.position, r.tier, r.keyAccount, r.regions, r.industries, r.sizes, r.wonRevenueMin ? normalAmount(r.wonRevenueMin) : null, r.interactionsMin ?? null, r.pipelineMin ? normalAmount(r.pipelineMin) : null]);

/**
 * Makes the tenant's rules exactly `rules`, in that order (a CSV import): a rule keeps its id when
 * its name (any case) stays, so customers' links to it hold; rules not named are removed, except
 * those in `keep` (names whose rows could not be read and were skipped), which stay as they were,
 * after the others. Audited per rule; then the tenant is recomputed. Admins and the CLI only.
 */
export async function replaceTierRules(em: EntityManager, actor: Actor, rules: TierRuleData[], options: { keep?: string[]; now?: Date } = {}): Promise<TierRulesReplaced> {
  const result = await em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change tier rules');
    await lockTierRules(tx, access.tenantId, 'exclusive');
    const existing = await loadTierRules(tx, access.tenantId);
    const byName = new Map(existing.map((r) => [r.name.toLowerCase(), r]));
    const named = new Set(rules.map((r) => r.name.toLowerCase()));
    const kept = existing.filter((r) => !named.has(r.name.toLowerCase()) && (options.keep ?? []).some((k) => k.trim().toLowerCase() === r.name.toLowerCase()));
    if (rules.length + kept.length > maxTierRules) throw invalidInput(`At most ${maxTierRules} tier rules.`, [{ field: 'rules', problem: `at most ${maxTierRules}`, code: 'too_many', max: maxTierRules }]);
    const counts = { created: 0, updated: 0, unchanged: 0, removed: 0 };

    for (const gone of existing.filter((r) => !named.has(r.name.toLowerCase()) && !kept.includes(r))) {
      recordAudit(tx, access, 'tier_rule.delete', { type: 'tier_rule', id: gone.id }, snapshot(gone), null);
      tx.remove(gone);
      counts.removed++;
    }
    // Removed first: a name that only changed case is an update, never a clash with itself.
    await tx.flush();
    const ordered: TierRule[] = [];
    const before = new Map<TierRule, { compared: string; snapshot: Record<string, unknown> | null }>();
    for (const data of rules) {
      const fields = fieldsOf(data);
      const found = byName.get(data.name.toLowerCase());
      if (!found) {
        ordered.push(tx.create(TierRule, { tenantId: access.tenantId, position: 0, createdBy: access.userId, ...fields } as TierRule));
        counts.created++;
        continue;
      }
      before.set(found, { compared: comparable(found), snapshot: snapshot(found) });
      tx.assign(found, fields);
      ordered.push(found);
    }
    renumber([...ordered, ...kept]);
    await tx.flush();
    for (const rule of ordered) {
      const was = before.get(rule);
      if (!was) recordAudit(tx, access, 'tier_rule.create', { type: 'tier_rule', id: rule.id }, null, snapshot(rule));
      else if (was.compared === comparable(rule)) counts.unchanged++;
      else {
        counts.updated++;
        recordAudit(tx, access, 'tier_rule.update', { type: 'tier_rule', id: rule.id }, was.snapshot, snapshot(rule));
      }
    }
    await tx.flush();
    return counts;
  });
  return { ...result, counts: await recomputeTenantTiers(em, actor, { now: options.now, trigger: 'import' }) };
}
