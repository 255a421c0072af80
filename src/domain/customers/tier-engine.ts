import Decimal from 'decimal.js';
import type { Tier } from './customer.entity';

/**
 * Rule-based tiers, without I/O. A rule's conditions are ANDed: region/industry/size in its list
 * (compared after NFKC folding, case and spacing ignored), and at least its minimum of won revenue,
 * done interactions and open pipeline. The first rule by position that matches decides; when none
 * matches the customer is `C` and not a key account. Without any rule nothing is computed and the
 * tiers stay as people set them. An override (tier, key-account flag, each on its own) beats the
 * rules until it is cleared.
 */
export type TierRuleSpec = {
  id: string;
  name: string;
  position: number;
  tier: Tier;
  keyAccount: boolean;
  regions: readonly string[];
  industries: readonly string[];
  sizes: readonly string[];
  /** Decimal strings; null: no condition. */
  wonRevenueMin: string | null;
  interactionsMin: number | null;
  pipelineMin: string | null;
};

export type TierFacts = {
  region: string | null;
  industry: string | null;
  companySize: string | null;
  /** Won in the last 12 months, tenant currency, decimal string. */
  wonRevenue: string;
  /** Done interactions in the last 12 months. */
  interactions: number;
  /** Sum of open deals, tenant currency, decimal string. */
  openPipeline: string;
  tierOverride: Tier | null;
  keyAccountOverride: boolean | null;
  /** What the customer has now: kept when the tenant has no rules. */
  tier: Tier | null;
  keyAccount: boolean;
};

export type TierResult = {
  tier: Tier | null;
  keyAccount: boolean;
  /** The rule that matched (even when an override hides its tier); null: none did, or no rules. */
  ruleId: string | null;
  ruleName: string | null;
  /** What decided the tier: a rule, the no-match default, an override, or people (no rules). */
  source: 'rule' | 'default' | 'override' | 'manual';
};

/** The tier of a customer no rule matches. */
export const noMatchTier: Tier = 'C';

export const foldText = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

const inList = (value: string | null, list: readonly string[]) => list.length === 0 || (value != null && list.some((v) => foldText(v) === foldText(value)));
const atLeast = (value: string | number, min: string | number | null) => min == null || new Decimal(value).gte(min);

export function ruleMatches(rule: TierRuleSpec, facts: TierFacts): boolean {
  return (
    inList(facts.region, rule.regions) &&
    inList(facts.industry, rule.industries) &&
    inList(facts.companySize, rule.sizes) &&
    atLeast(facts.wonRevenue, rule.wonRevenueMin) &&
    atLeast(facts.interactions, rule.interactionsMin) &&
    atLeast(facts.openPipeline, rule.pipelineMin)
  );
}

/** Rules in the order they are tried: position, then name for a tie (a hand-edited CSV). */
export const orderRules = <R extends Pick<TierRuleSpec, 'position' | 'name'>>(rules: readonly R[]): R[] =>
  [...rules].sort((a, b) => a.position - b.position || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export function computeTier(facts: TierFacts, rules: readonly TierRuleSpec[]): TierResult {
  if (rules.length === 0) {
    const overridden = facts.tierOverride != null || facts.keyAccountOverride != null;
    return { tier: facts.tierOverride ?? facts.tier, keyAccount: facts.keyAccountOverride ?? facts.keyAccount, ruleId: null, ruleName: null, source: overridden ? 'override' : 'manual' };
  }
  const rule = orderRules(rules).find((r) => ruleMatches(r, facts)) ?? null;
  const computedTier = rule ? rule.tier : noMatchTier;
  const computedKey = rule ? rule.keyAccount : false;
  const overridden = facts.tierOverride != null || facts.keyAccountOverride != null;
  return {
    tier: facts.tierOverride ?? computedTier,
    keyAccount: facts.keyAccountOverride ?? computedKey,
    ruleId: rule?.id ?? null,
    ruleName: rule?.name ?? null,
    source: overridden ? 'override' : rule ? 'rule' : 'default',
  };
}
