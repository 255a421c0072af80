import { clip } from '../../cards/presenters/format';
import { tierRulesCard } from '../../cards/presenters/tier-rules-card';
import type { CardModel } from '../../cards/reply-model';
import { addTierRule } from '../../domain/customers/add-tier-rule';
import { tiers, type Customer, type Tier } from '../../domain/customers/customer.entity';
import { listTierRules } from '../../domain/customers/list-tier-rules';
import { moveTierRule } from '../../domain/customers/move-tier-rule';
import { recomputeTenantTiers, type TierRecomputeCounts } from '../../domain/customers/recompute-tiers';
import { removeTierRule } from '../../domain/customers/remove-tier-rule';
import { setTierOverride } from '../../domain/customers/set-tier-override';
import type { TierRuleInput } from '../../domain/customers/tier-rule-input';
import { resolveCustomerQuery } from '../customers/resolve-customer';
import type { CommandContext } from '../pipeline/context';
import { parseAmount } from '../shared/parse-amount';
import { is, keywords, type Token } from '../shared/grammar';
import { defineAdminModule } from './admin-module';

/** What was wrong with a command, said by `tiers.problems.<key>` before the usage. */
export type TiersProblem = {
  key: 'no_name' | 'not_condition' | 'unknown_condition' | 'twice' | 'bad_op' | 'bad_tier' | 'no_tier' | 'bad_key' | 'empty_list' | 'bad_amount' | 'mixed_currency' | 'bad_count' | 'bad_position' | 'no_position' | 'override_what';
  word?: string;
  value?: string;
};

export type TiersCommand =
  | { kind: 'list' }
  | { kind: 'usage'; problem?: TiersProblem }
  | { kind: 'run' }
  /** `currency`: one typed with an amount ("won>=$500k"), checked against the workspace's. */
  | { kind: 'add'; rule: TierRuleInput; currency?: string }
  | { kind: 'remove'; name: string }
  | { kind: 'move'; name: string; position: number }
  | { kind: 'override'; customer: string; tier?: Tier; keyAccount?: boolean }
  | { kind: 'clear'; customer: string };

const subs = {
  add: ['add', 'new', '新增', '添加', '新建'],
  remove: ['remove', 'delete', 'rm', '删除', '移除'],
  move: ['move', '移动', '调整'],
  run: ['run', 'recompute', '重算', '计算', '运行'],
  override: ['override', 'set', '手动', '指定'],
  clear: ['clear', 'reset', '清除', '取消'],
} as const;

const conditionKeys: Record<string, 'tier' | 'key' | 'region' | 'industry' | 'size' | 'won' | 'interactions' | 'pipeline' | 'at'> = {
  tier: 'tier', 级别: 'tier', 等级: 'tier',
  key: 'key', key_account: 'key', keyaccount: 'key', 重点: 'key', 重点客户: 'key',
  region: 'region', regions: 'region', 区域: 'region', 地区: 'region',
  industry: 'industry', industries: 'industry', 行业: 'industry',
  size: 'size', sizes: 'size', 规模: 'size',
  won: 'won', revenue: 'won', 成交: 'won', 成交额: 'won',
  interactions: 'interactions', interaction: 'interactions', 互动: 'interactions',
  pipeline: 'pipeline', 商机: 'pipeline',
  at: 'at', position: 'at', 位置: 'at',
};

const yes = ['yes', 'y', 'true', '1', 'on', '是'];
const no = ['no', 'n', 'false', '0', 'off', '否'];
const yesNo = (text: string): boolean | undefined => (yes.includes(text.toLowerCase()) ? true : no.includes(text.toLowerCase()) ? false : undefined);
const tierOf = (text: string): Tier | undefined => tiers.find((t) => t === text.toUpperCase());
const listOf = (text: string) => text.split(/[,，、;；]/).map((v) => v.trim()).filter(Boolean);
const wholeNumber = (text: string) => (/^\d{1,7}$/.test(text) ? Number(text) : undefined);

const looksLikeCondition = (token: Token) => !token.quoted && /^[A-Za-z_\u4e00-\u9fff]+\s*(>=|≥|＞＝|=|＝)/.test(token.text);

/** `key=value` pairs as typed; a value may be quoted to keep spaces ("region=“East China”,North" works too). The first word that is not one: `{ stray }`. */
function scanConditions(text: string): Condition[] | { stray: string } {
  const pattern = /\s*([A-Za-z_\u4e00-\u9fff]+)\s*(>=|≥|＞＝|=|＝)\s*((?:"[^"]*"|“[^”]*”|「[^」]*」|[^\s"“「])+)/y;
  const found: Condition[] = [];
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) return { stray: text.slice(at).trim().split(/\s+/)[0]!.slice(0, 40) };
    found.push({ key: m[1]!.toLowerCase(), op: m[2] === '=' || m[2] === '＝' ? '=' : '>=', value: m[3]!.replace(/["“”「」]/g, '').trim() });
    at = pattern.lastIndex;
  }
  return found;
}

type Condition = { key: string; op: '>=' | '='; value: string };
type Draft = { rule: Partial<TierRuleInput>; currency?: string };

const equalsOnly = new Set(['tier', 'key', 'region', 'industry', 'size', 'at']);

/** Sets what one condition says on the draft rule; what is wrong with it when it makes no sense. */
function applyCondition(draft: Draft, key: (typeof conditionKeys)[string], c: Condition): TiersProblem | null {
  const { rule } = draft;
  const value = c.value.slice(0, 40);
  if (c.op !== '=' && equalsOnly.has(key)) return { key: 'bad_op', word: c.key };
  switch (key) {
    case 'tier':
      rule.tier = tierOf(c.value);
      return rule.tier ? null : { key: 'bad_tier', value };
    case 'key':
      rule.keyAccount = yesNo(c.value);
      return rule.keyAccount !== undefined ? null : { key: 'bad_key', value };
    case 'region':
    case 'industry':
    case 'size': {
      const values = listOf(c.value);
      rule[key === 'region' ? 'regions' : key === 'industry' ? 'industries' : 'sizes'] = values;
      return values.length > 0 ? null : { key: 'empty_list', word: c.key };
    }
    case 'won':
    case 'pipeline': {
      const parsed = parseAmount(c.value);
      if (!parsed) return { key: 'bad_amount', word: c.key, value };
      if (parsed.currency && draft.currency && parsed.currency !== draft.currency) return { key: 'mixed_currency' };
      if (parsed.currency) draft.currency = parsed.currency;
      rule[key === 'won' ? 'wonRevenueMin' : 'pipelineMin'] = parsed.amount;
      return null;
    }
    case 'interactions':
      rule.interactionsMin = wholeNumber(c.value);
      return rule.interactionsMin !== undefined ? null : { key: 'bad_count', word: c.key, value };
    case 'at':
      rule.position = wholeNumber(c.value);
      return rule.position ? null : { key: 'bad_position', value };
  }
}

const usage = (problem?: TiersProblem): TiersCommand => (problem ? { kind: 'usage', problem } : { kind: 'usage' });

function parseAdd(rest: Token[], argText: (from: Token[]) => string): TiersCommand {
  const firstCondition = rest.findIndex(looksLikeCondition);
  const nameTokens = rest[0]?.quoted ? 1 : firstCondition === -1 ? rest.length : firstCondition;
  const name = argText(rest.slice(0, nameTokens));
  const tail = rest.slice(nameTokens);
  const conditions = scanConditions(tail.length === 1 && tail[0]!.quoted ? `"${tail[0]!.text}"` : argText(tail));
  if (!name) return usage({ key: 'no_name' });
  if (!Array.isArray(conditions)) return usage({ key: 'not_condition', word: conditions.stray });
  const draft: Draft = { rule: { name } };
  const seen = new Set<string>();
  for (const c of conditions) {
    const key = conditionKeys[c.key];
    if (!key) return usage({ key: 'unknown_condition', word: c.key.slice(0, 40) });
    if (seen.has(key)) return usage({ key: 'twice', word: c.key.slice(0, 40) });
    seen.add(key);
    const problem = applyCondition(draft, key, c);
    if (problem) return usage(problem);
  }
  if (!draft.rule.tier) return usage({ key: 'no_tier' });
  return { kind: 'add', rule: draft.rule as TierRuleInput, ...(draft.currency ? { currency: draft.currency } : {}) };
}

/** `override <customer> A [key=yes]`, `override <customer> key=no`, `override <customer> clear`: read from the end, so names keep their words. */
function parseOverride(rest: Token[], argText: (from: Token[]) => string): TiersCommand {
  let end = rest.length;
  let keyAccount: boolean | undefined;
  const last = rest[end - 1];
  const keyMatch = last && !last.quoted ? /^(?:key|key_account|重点|重点客户)\s*[=＝]\s*(.+)$/i.exec(last.text) : null;
  if (keyMatch) {
    keyAccount = yesNo(keyMatch[1]!);
    if (keyAccount === undefined) return usage({ key: 'bad_key', value: keyMatch[1]!.slice(0, 40) });
    end--;
  }
  const word = rest[end - 1];
  let tier: Tier | undefined;
  if (word && !word.quoted && end >= 2) {
    if (keyAccount === undefined && is(word, subs.clear)) {
      const customer = argText(rest.slice(0, end - 1));
      return customer ? { kind: 'clear', customer } : { kind: 'usage' };
    }
    tier = tierOf(word.text);
    if (tier) end--;
    // `override "X" Z`: a short last word after the customer reads as a tier that is not one.
    else if (keyAccount === undefined && rest[end - 2]?.quoted && word.text.length <= 3) return usage({ key: 'bad_tier', value: word.text });
  }
  const customer = argText(rest.slice(0, end));
  if (!customer || (tier === undefined && keyAccount === undefined)) return usage({ key: 'override_what' });
  return { kind: 'override', customer, ...(tier ? { tier } : {}), ...(keyAccount !== undefined ? { keyAccount } : {}) };
}

export function parseTiersCommand(args: Token[], argText: (from: Token[]) => string): TiersCommand {
  const [sub, ...rest] = args;
  if (!sub || is(sub, keywords.list)) return rest.length === 0 ? { kind: 'list' } : { kind: 'usage' };
  if (is(sub, keywords.help)) return { kind: 'usage' };
  if (is(sub, subs.run)) return rest.length === 0 ? { kind: 'run' } : { kind: 'usage' };
  if (is(sub, subs.add)) return parseAdd(rest, argText);
  if (is(sub, subs.remove)) {
    const name = argText(rest);
    return name ? { kind: 'remove', name } : { kind: 'usage' };
  }
  if (is(sub, subs.move)) {
    const position = rest.length >= 2 && !rest.at(-1)!.quoted ? wholeNumber(rest.at(-1)!.text) : undefined;
    const name = argText(rest.slice(0, -1));
    if (rest.length < 2) return usage({ key: rest.length === 0 ? 'no_name' : 'no_position' });
    return position && name ? { kind: 'move', name, position } : usage(name ? { key: 'bad_position', value: rest.at(-1)!.text.slice(0, 40) } : { key: 'no_name' });
  }
  if (is(sub, subs.override)) return parseOverride(rest, argText);
  return { kind: 'usage' };
}

const recomputed = (ctx: CommandContext, counts: TierRecomputeCounts) => ctx.t('tiers.recomputed', { evaluated: counts.evaluated, changed: counts.changed });

async function listingCard(ctx: CommandContext, text?: string): Promise<CardModel> {
  return tierRulesCard(await listTierRules(ctx.em, ctx.actor), ctx, text ? { tone: 'ok', text } : {});
}

/** The one customer an override names, or a card saying there is none or several. */
async function oneCustomer(ctx: CommandContext, query: string): Promise<Customer | CardModel> {
  const match = await resolveCustomerQuery(ctx, query);
  if (match.kind === 'one') return match.customer;
  if (match.kind === 'none') return { kind: 'card', tone: 'warn', text: ctx.t('tiers.unknownCustomer', { query: clip(query, 80) }) };
  return { kind: 'card', tone: 'warn', text: ctx.t('tiers.manyCustomers', { query: clip(query, 80), names: match.candidates.map((c) => clip(c.name, 60)).join(', ') }) };
}

const tierWords = (ctx: CommandContext, c: Customer) => ({ name: c.name, tier: c.tier ?? ctx.t('tiers.noTier'), key: c.keyAccount ? ctx.t('tiers.key') : '' });

/**
 * `/sfa admin tiers …` (also `tier`, `分级`): list, add, remove and move the tier rules, recompute
 * now, and set or clear a customer's tier by hand. Rule changes recompute the tenant in the same
 * transaction as the change (set-based queries per 500 customers), run by the worker.
 */
export const tiersAdmin = defineAdminModule<TiersCommand>({
  verbs: ['tiers', 'tier', '分级'],
  parse: parseTiersCommand,
  // Rule changes and `run` recompute the whole tenant (about 2 s per 20,000 customers, rows locked
  // meanwhile): the worker does that, not the web process. An override touches one customer.
  writes: (parsed) => (parsed.kind === 'list' || parsed.kind === 'usage' ? false : parsed.kind === 'override' || parsed.kind === 'clear' ? 'inline' : 'queued'),
  async run(ctx, parsed) {
    const { t } = ctx;
    switch (parsed.kind) {
      case 'usage': {
        const p = parsed.problem;
        const problem = p ? t(`tiers.problems.${p.key}`, { word: p.word ?? '', value: p.value ?? '' }) : null;
        return { kind: 'card', tone: 'warn', text: problem ? `${problem}\n${t('tiers.usage')}` : t('tiers.usage') };
      }
      case 'list':
        return listingCard(ctx);
      case 'run':
        return { kind: 'card', tone: 'ok', text: recomputed(ctx, await recomputeTenantTiers(ctx.em, ctx.actor, { trigger: 'run' })) };
      case 'add': {
        if (parsed.currency && parsed.currency !== ctx.tenant.defaultCurrency) return { kind: 'card', tone: 'warn', text: t('tiers.currency', { currency: ctx.tenant.defaultCurrency }) };
        const { rule, counts } = await addTierRule(ctx.em, ctx.actor, parsed.rule);
        return listingCard(ctx, `${t('tiers.added', { name: rule.name, position: rule.position })} ${recomputed(ctx, counts)}`);
      }
      case 'remove': {
        const { rule, counts } = await removeTierRule(ctx.em, ctx.actor, parsed.name);
        return listingCard(ctx, `${t('tiers.removed', { name: rule.name })} ${recomputed(ctx, counts)}`);
      }
      case 'move': {
        const { rule, counts } = await moveTierRule(ctx.em, ctx.actor, parsed.name, parsed.position);
        return listingCard(ctx, `${t('tiers.moved', { name: rule.name, position: rule.position })} ${recomputed(ctx, counts)}`);
      }
      case 'override':
      case 'clear': {
        const found = await oneCustomer(ctx, parsed.customer);
        if ('kind' in found && found.kind === 'card') return found;
        const customer = found as Customer;
        const input = parsed.kind === 'clear' ? { clear: true as const } : { tier: parsed.tier, keyAccount: parsed.keyAccount };
        const updated = await setTierOverride(ctx.em, ctx.actor, customer.id, input);
        return { kind: 'card', tone: 'ok', text: t(parsed.kind === 'clear' ? 'tiers.overrideCleared' : 'tiers.overrideSet', tierWords(ctx, updated)) };
      }
    }
  },
});
