import type { TierRuleListing } from '../../domain/customers/list-tier-rules';
import type { TierRule } from '../../domain/customers/tier-rule.entity';
import type { CardModel } from '../reply-model';
import { clip, formatMoney } from './format';
import type { Reader } from './reader';

/** One rule's conditions in the reader's words ("region East, North · won ≥ $500,000.00 in 12 months"). */
export function ruleConditions(rule: TierRule, currency: string, ctx: Reader): string {
  const { t, user } = ctx;
  const list = (values: string[]) => clip(values.join(', '), 120);
  const parts = [
    rule.regions.length ? t('tiers.conditions.region', { values: list(rule.regions) }) : '',
    rule.industries.length ? t('tiers.conditions.industry', { values: list(rule.industries) }) : '',
    rule.sizes.length ? t('tiers.conditions.size', { values: list(rule.sizes) }) : '',
    rule.wonRevenueMin != null ? t('tiers.conditions.won', { amount: formatMoney(rule.wonRevenueMin, currency, user.locale) }) : '',
    rule.interactionsMin != null ? t('tiers.conditions.interactions', { count: rule.interactionsMin }) : '',
    rule.pipelineMin != null ? t('tiers.conditions.pipeline', { amount: formatMoney(rule.pipelineMin, currency, user.locale) }) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : t('tiers.everyone');
}

/** The tenant's rules in the order they are tried, with how many customers each sets now. */
export function tierRulesCard(listing: TierRuleListing, ctx: Reader, options: { tone?: CardModel['tone']; text?: string } = {}): CardModel {
  const { t } = ctx;
  if (listing.rules.length === 0) return { kind: 'card', tone: options.tone, text: [options.text, t('tiers.none')].filter(Boolean).join('\n') };
  // 40 lines keep the card inside both platforms' limits; more rules than that are rare.
  const lines = listing.rules.slice(0, 40).map(({ rule, customers }) =>
    t('tiers.rule', {
      position: rule.position,
      name: clip(rule.name, 100),
      tier: rule.tier,
      key: rule.keyAccount ? t('tiers.key') : '',
      conditions: ruleConditions(rule, listing.currency, ctx),
      count: customers,
    }),
  );
  return {
    kind: 'card',
    tone: options.tone,
    header: t('tiers.header'),
    text: options.text,
    sections: [{ lines }],
    context: [t('tiers.footer', { unmatched: listing.unmatched, overridden: listing.overridden, currency: listing.currency })],
  };
}

/** What set a customer's tier, for the card: " · rule “Big accounts East”", " · set by hand", or nothing. */
export function tierSourceText(c: { tierOverride?: string | null; keyAccountOverride?: boolean | null; tierRuleName?: string | null }, t: Reader['t']): string {
  if (c.tierOverride != null || c.keyAccountOverride != null) return ` · ${t('tiers.byHand')}`;
  return c.tierRuleName ? ` · ${t('tiers.byRule', { name: clip(c.tierRuleName, 100) })}` : '';
}
