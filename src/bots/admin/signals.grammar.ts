import type { SignalType } from '../../domain/signals/signal-event.entity';
import { is, keywords, type Token } from '../shared/grammar';

export const signalsExamples = {
  list: '/sfa admin signals',
  add: '/sfa admin signals add "Pricing page" type=page_view count=3 days=7 sku=each bump=10',
  remove: '/sfa admin signals remove "Pricing page"',
  unmatched: '/sfa admin signals unmatched',
} as const;

export type SignalRuleSpec = {
  name: string;
  eventType: SignalType;
  minCount: number;
  windowDays: number;
  productSku: string | null;
  perProduct: boolean;
  urlContains: string | null;
  scoreBump: number;
  active: boolean;
};

export type SignalsInvalidReason = 'unknown_verb' | 'missing_name' | 'missing_type' | 'bad_option' | 'bad_value';

export type SignalsAdminCommand =
  | { kind: 'list' }
  | { kind: 'help' }
  | { kind: 'unmatched' }
  | { kind: 'add'; rule: SignalRuleSpec }
  | { kind: 'remove'; name: string }
  | { kind: 'invalid'; reason: SignalsInvalidReason; word?: string; example: string };

const verbs = {
  add: ['add', 'set', 'new', '添加', '新增', '新建'],
  remove: ['remove', 'delete', 'rm', '删除', '移除'],
  unmatched: ['unmatched', '未匹配'],
  help: [...keywords.help, 'presets', '示例'],
};

const typeAliases: Record<SignalType, readonly string[]> = {
  page_view: ['page_view', 'pageview', 'page-view', 'view', 'views', '浏览', '页面浏览'],
  seminar_attended: ['seminar_attended', 'seminar', 'webinar', 'event', '研讨会', '参会'],
  download: ['download', 'downloads', '下载'],
  form_submitted: ['form_submitted', 'form', 'forms', '表单'],
  custom: ['custom', '自定义'],
};

const optionAliases = {
  type: ['type', '类型'],
  count: ['count', 'min', '次数'],
  days: ['days', 'day', 'window', '天数', '天'],
  sku: ['sku', 'product', '产品'],
  url: ['url', 'page', '网址', '页面'],
  bump: ['bump', 'points', 'score', '加分'],
  active: ['active', 'on', '启用'],
} as const;
type OptionKey = keyof typeof optionAliases;

const eachProduct = ['each', 'every', 'any-one', '*', '每个', '各'];
const yes = ['yes', 'true', 'on', '1', '是', '开'];
const no = ['no', 'false', 'off', '0', '否', '关'];

/** `key=value` (or the full-width ＝); a quoted word is never an option. */
const optionOf = (token: Token): { key: string; value: string } | null => {
  if (token.quoted) return null;
  const m = /^([^=＝\s]+)[=＝](.*)$/.exec(token.text);
  return m ? { key: m[1]!.toLowerCase(), value: m[2]!.trim() } : null;
};

const wholeNumber = (text: string, min: number, max: number): number | null => {
  const normal = text.normalize('NFKC');
  if (!/^\d{1,4}$/.test(normal)) return null;
  const n = Number(normal);
  return n >= min && n <= max ? n : null;
};

/**
 * `/sfa admin signals` lists the rules; `signals add <name> type=… [count=…] [days=…] [sku=SKU|each]
 * [url=…] [bump=…] [active=yes|no]` creates or replaces a rule (count defaults to 1, days to 30, bump
 * to 0); `signals remove <name>`; `signals unmatched`; `signals help` shows presets. Names may be
 * quoted or typed as words before the first option. Pure: no database.
 */
export function parseSignalsAdmin(args: Token[], argText: (from: Token[]) => string): SignalsAdminCommand {
  const [verb, ...rest] = args;
  if (!verb || is(verb, keywords.list)) return rest.length === 0 ? { kind: 'list' } : { kind: 'invalid', reason: 'unknown_verb', word: rest[0]!.text, example: signalsExamples.list };
  if (is(verb, verbs.help)) return { kind: 'help' };
  if (is(verb, verbs.unmatched)) return { kind: 'unmatched' };
  if (is(verb, verbs.remove)) {
    const name = argText(rest);
    return name ? { kind: 'remove', name: name.slice(0, 100) } : { kind: 'invalid', reason: 'missing_name', example: signalsExamples.remove };
  }
  if (is(verb, verbs.add)) return parseAdd(rest, argText);
  return { kind: 'invalid', reason: 'unknown_verb', word: verb.text.slice(0, 40), example: signalsExamples.add };
}

function parseAdd(tokens: Token[], argText: (from: Token[]) => string): SignalsAdminCommand {
  const example = signalsExamples.add;
  const firstOption = tokens.findIndex((t) => optionOf(t) !== null);
  const nameTokens = firstOption === -1 ? tokens : tokens.slice(0, firstOption);
  const name = argText(nameTokens);
  if (!name) return { kind: 'invalid', reason: 'missing_name', example };
  if (name.length > 100) return { kind: 'invalid', reason: 'bad_value', word: `${name.slice(0, 40)}…`, example };
  const rule: Partial<SignalRuleSpec> = { name, minCount: 1, windowDays: 30, productSku: null, perProduct: false, urlContains: null, scoreBump: 0, active: true };
  for (const token of firstOption === -1 ? [] : tokens.slice(firstOption)) {
    const option = optionOf(token);
    const key = option && (Object.keys(optionAliases) as OptionKey[]).find((k) => (optionAliases[k] as readonly string[]).includes(option.key));
    if (!option || !key) return { kind: 'invalid', reason: 'bad_option', word: token.text.slice(0, 40), example };
    if (!applyOption(rule, key, option.value)) return { kind: 'invalid', reason: 'bad_value', word: token.text.slice(0, 60), example };
  }
  if (!rule.eventType) return { kind: 'invalid', reason: 'missing_type', example };
  return { kind: 'add', rule: rule as SignalRuleSpec };
}

/** Sets one option on the rule being read; false when its value is not one the option takes. */
function applyOption(rule: Partial<SignalRuleSpec>, key: OptionKey, value: string): boolean {
  const number = (text: string, min: number, max: number, set: (n: number) => void) => {
    const n = wholeNumber(text, min, max);
    if (n !== null) set(n);
    return n !== null;
  };
  switch (key) {
    case 'type': {
      const type = (Object.keys(typeAliases) as SignalType[]).find((t) => typeAliases[t].includes(value.toLowerCase()));
      if (type) rule.eventType = type;
      return !!type;
    }
    case 'count':
      return number(value, 1, 1000, (n) => (rule.minCount = n));
    case 'days':
      return number(value.replace(/(d|天)$/i, ''), 1, 365, (n) => (rule.windowDays = n));
    case 'bump':
      return number(value.replace(/^\+/, ''), 0, 50, (n) => (rule.scoreBump = n));
    case 'sku': {
      if (!value || value.length > 100) return false;
      const each = eachProduct.includes(value.toLowerCase());
      rule.perProduct = each;
      rule.productSku = each ? null : value.toUpperCase();
      return true;
    }
    case 'url':
      if (!value || value.length > 200) return false;
      rule.urlContains = value;
      return true;
    case 'active':
      if (yes.includes(value.toLowerCase())) rule.active = true;
      else if (no.includes(value.toLowerCase())) rule.active = false;
      else return false;
      return true;
  }
}
