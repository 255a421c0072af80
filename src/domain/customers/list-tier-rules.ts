import type { EntityManager } from '@mikro-orm/postgresql';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Tenant } from '../tenants/tenant.entity';
import type { TierRule } from './tier-rule.entity';
import { loadTierRules } from './tier-rules-store';

export type TierRuleListing = {
  rules: Array<{ rule: TierRule; /** Customers whose tier this rule sets now (no tier override). */ customers: number }>;
  /** Customers no rule matched (tier C unless overridden). */
  unmatched: number;
  /** Customers with a tier or key-account override. */
  overridden: number;
  /** The currency the amounts are in. */
  currency: string;
};

/** The rules in the order they are tried, with how many customers each sets. Managers and admins. */
export async function listTierRules(em: EntityManager, actor: Actor): Promise<TierRuleListing> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin', 'manager'], 'see tier rules');
  const rules = await loadTierRules(em, access.tenantId);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const rows: Array<{ rule_id: string | null; sets: string; overridden: string }> = await em.execute(
    `select tier_rule_id as rule_id,
            count(*) filter (where tier_override is null) as sets,
            count(*) filter (where tier_override is not null or key_account_override is not null) as overridden
       from customers where tenant_id = ? group by tier_rule_id`,
    [access.tenantId],
  );
  const setsBy = new Map(rows.map((r) => [r.rule_id, Number(r.sets)]));
  return {
    rules: rules.map((rule) => ({ rule, customers: setsBy.get(rule.id) ?? 0 })),
    unmatched: rules.length ? (setsBy.get(null) ?? 0) : 0,
    overridden: rows.reduce((n, r) => n + Number(r.overridden), 0),
    currency: tenant.defaultCurrency,
  };
}
