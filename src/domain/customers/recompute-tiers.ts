import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/record-audit';
import { openStages } from '../opportunities/opportunity.entity';
import { requireRole, resolveAccess, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Tenant } from '../tenants/tenant.entity';
import type { Customer, Tier } from './customer.entity';
import { computeTier, type TierFacts, type TierResult, type TierRuleSpec } from './tier-engine';
import { loadTierRules, lockTierRules, ruleSpec } from './tier-rules-store';

/** Customers read, locked and written per transaction when a whole tenant is recomputed. */
const pageSize = 500;

export type TierRecomputeCounts = {
  /** Customers looked at. */
  evaluated: number;
  /** Customers whose effective tier or key-account flag changed. */
  changed: number;
  /** Rows written (also when only the rule that set an unchanged tier changed). */
  written: number;
  rules: number;
};

export type TierTrigger = 'nightly' | 'rules' | 'run' | 'import';

/** The window the 12-month figures count: from the same instant 12 calendar months ago up to now. */
export const tierWindowStart = (now: Date): Date => DateTime.fromJSDate(now, { zone: 'utc' }).minus({ months: 12 }).toJSDate();

type FactRow = {
  id: string;
  region: string | null;
  industry: string | null;
  company_size: string | null;
  tier: Tier | null;
  key_account: boolean;
  tier_override: Tier | null;
  key_account_override: boolean | null;
  tier_rule_id: string | null;
  tier_rule_name: string | null;
  won: string;
  open: string;
  interactions: number;
};

/**
 * The figures rules look at, for one page of customers (locked for this transaction) or one
 * customer: won revenue (stage won, closed in the window) and open pipeline (open stages), both
 * only in the tenant's currency; done interactions that happened in the window.
 */
async function readFacts(em: EntityManager, tenantId: string, currency: string, now: Date, which: { afterId: string; limit: number } | { id: string }): Promise<FactRow[]> {
  const since = tierWindowStart(now);
  const page =
    'id' in which
      ? { sql: `select * from customers where tenant_id = ? and id = ? for update`, params: [tenantId, which.id] }
      : { sql: `select * from customers where tenant_id = ? and id > ? order by id limit ? for update`, params: [tenantId, which.afterId, which.limit] };
  const open = openStages.map(() => '?').join(', ');
  return em.execute(
    `with page as (${page.sql})
     select p.id, p.region, p.industry, p.company_size, p.tier, p.key_account, p.tier_override, p.key_account_override, p.tier_rule_id, p.tier_rule_name,
            coalesce(o.won, 0)::text as won, coalesce(o.open, 0)::text as open, coalesce(i.n, 0)::int as interactions
       from page p
       left join lateral (
         select sum(amount) filter (where stage = 'won' and closed_at >= ? and closed_at <= ?) as won,
                sum(amount) filter (where stage in (${open})) as open
           from opportunities where tenant_id = ? and customer_id = p.id and currency = ?) o on true
       left join lateral (
         select count(*) as n from interactions
          where tenant_id = ? and customer_id = p.id and status = 'done' and occurred_at >= ? and occurred_at <= ?) i on true
      order by p.id`,
    [...page.params, since, now, ...openStages, tenantId, currency, tenantId, since, now],
  );
}

const factsOf = (r: FactRow): TierFacts => ({
  region: r.region,
  industry: r.industry,
  companySize: r.company_size,
  wonRevenue: r.won,
  interactions: Number(r.interactions),
  openPipeline: r.open,
  tierOverride: r.tier_override,
  keyAccountOverride: r.key_account_override,
  tier: r.tier,
  keyAccount: r.key_account,
});

const differs = (r: FactRow, t: TierResult) => r.tier !== t.tier || r.key_account !== t.keyAccount || r.tier_rule_id !== t.ruleId || r.tier_rule_name !== t.ruleName;

/**
 * Recomputes every customer of the tenant: one transaction per page of customers (or the caller's), facts read by
 * set-based SQL, only rows that change written (one statement per page), and one audit entry
 * for the whole run when anything changed. Admins and jobs only.
 */
export async function recomputeTenantTiers(em: EntityManager, actor: Actor, options: { now?: Date; trigger: TierTrigger }): Promise<TierRecomputeCounts> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'recompute tiers');
  const now = options.now ?? new Date();
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const counts: TierRecomputeCounts = { evaluated: 0, changed: 0, written: 0, rules: 0 };
  const byTier: Record<string, number> = {};
  let afterId = '00000000-0000-0000-0000-000000000000';
  // Inside a caller's transaction (a chat request that just changed the rules, holding their lock)
  // the pages join it; on their own (the nightly job) each page is a short transaction.
  const inPage = <T>(work: (tx: EntityManager) => Promise<T>): Promise<T> => (em.isInTransaction() ? work(em) : em.fork().transactional(work));
  for (;;) {
    const page = await inPage(async (tx) => {
      await lockTierRules(tx, access.tenantId, 'shared');
      const rules = (await loadTierRules(tx, access.tenantId)).map(ruleSpec);
      counts.rules = rules.length;
      const rows = await readFacts(tx, access.tenantId, tenant.defaultCurrency, now, { afterId, limit: pageSize });
      const writes = [];
      for (const row of rows) {
        const result = computeTier(factsOf(row), rules);
        if (!differs(row, result)) continue;
        if (row.tier !== result.tier || row.key_account !== result.keyAccount) {
          counts.changed++;
          byTier[String(result.tier)] = (byTier[String(result.tier)] ?? 0) + 1;
        }
        writes.push({ id: row.id, tier: result.tier, key_account: result.keyAccount, rule_id: result.ruleId, rule_name: result.ruleName });
      }
      if (writes.length) {
        await tx.execute(
          `update customers c set tier = v.tier, key_account = v.key_account, tier_rule_id = v.rule_id, tier_rule_name = v.rule_name, tier_computed_at = ?
             from jsonb_to_recordset(?::jsonb) as v(id uuid, tier text, key_account boolean, rule_id uuid, rule_name text)
            where c.tenant_id = ? and c.id = v.id`,
          [now, JSON.stringify(writes), access.tenantId],
        );
      }
      counts.evaluated += rows.length;
      counts.written += writes.length;
      return rows;
    });
    if (page.length < pageSize) break;
    afterId = page.at(-1)!.id;
  }
  if (counts.written > 0) {
    const audit = em.isInTransaction() ? em : em.fork();
    recordAudit(audit, access, 'customer.tiers.recompute', { type: 'tenant', id: access.tenantId }, null, { trigger: options.trigger, ...counts, changedTo: byTier, at: now.toISOString() });
    await audit.flush();
  }
  return counts;
}

/**
 * Recomputes one customer inside the caller's transaction (a deal just won, the customer just
 * edited): the caller's pending changes are flushed first so the figures include them, and the
 * result is set on the managed entity, so the caller's unit of work writes it with the rest.
 * Audited when the effective tier or key-account flag changes. Returns whether it did.
 */
export async function recomputeCustomerTier(tx: EntityManager, access: Access, customer: Customer, now = new Date()): Promise<boolean> {
  await tx.flush();
  await lockTierRules(tx, access.tenantId, 'shared');
  const rules: TierRuleSpec[] = (await loadTierRules(tx, access.tenantId)).map(ruleSpec);
  const tenant = await tx.findOneOrFail(Tenant, { id: access.tenantId });
  const [row] = await readFacts(tx, access.tenantId, tenant.defaultCurrency, now, { id: customer.id });
  if (!row) return false;
  const result = computeTier(factsOf(row), rules);
  if (!differs(row, result)) return false;
  const before = { tier: row.tier, keyAccount: row.key_account, tierRuleName: row.tier_rule_name };
  tx.assign(customer, { tier: result.tier, keyAccount: result.keyAccount, tierRuleId: result.ruleId, tierRuleName: result.ruleName, tierComputedAt: now });
  const changed = before.tier !== result.tier || before.keyAccount !== result.keyAccount;
  if (changed) recordAudit(tx, access, 'customer.tier.recompute', { type: 'customer', id: customer.id }, before, { tier: result.tier, keyAccount: result.keyAccount, tierRuleName: result.ruleName });
  return changed;
}
