import type { FactorScope } from '../../domain/forecasting/forecast-factor';
import type { ForecastDimension } from '../../domain/forecasting/forecast-series';
import { tokenize, type Token } from '../shared/grammar';

export type ForecastScope = 'me' | 'team' | 'org';

export type ForecastCommand =
  | { kind: 'help' }
  | { kind: 'run'; months: number; scope?: ForecastScope; by: ForecastDimension }
  | { kind: 'export'; months: number; scope?: ForecastScope; by: ForecastDimension }
  | { kind: 'accuracy'; scope?: ForecastScope }
  | { kind: 'factors' }
  | { kind: 'add_factor'; percent: string; scope: FactorScope; scopeValue: string; fromMonth: string; untilMonth?: string; note: string }
  | { kind: 'remove_factor'; position: number }
  | { kind: 'invalid'; reason: 'unknown_word' | 'bad_months' | 'bad_factor'; word: string };

const words = {
  help: ['help', '帮助', '?', '？'],
  export: ['export', '导出'],
  accuracy: ['accuracy', '准确率', '准确度'],
  factors: ['factors', '因素列表', '市场因素'],
  factor: ['factor', '因素'],
  remove: ['remove', 'delete', '删除'],
  by: ['by', '按'],
  from: ['from', '从'],
  until: ['until', 'to', '至', '到'],
};
const scopes: Record<ForecastScope, string[]> = { me: ['me', 'mine', '我', '个人'], team: ['team', '团队'], org: ['org', 'company', 'all', '全公司', '公司'] };
const dimensions: Record<Exclude<ForecastDimension, 'total'>, string[]> = { region: ['region', 'regions', '地区', '区域'], product: ['product', 'products', '产品'], category: ['category', 'categories', '类别', '品类'] };
const factorScopeWords: Record<Exclude<FactorScope, 'all'>, string[]> = dimensions;

const is = (list: string[], t: Token | undefined) => !!t && !t.quoted && list.includes(t.text.toLowerCase());
const lookup = <K extends string>(table: Record<K, string[]>, t: Token | undefined): K | undefined => (t && !t.quoted ? (Object.keys(table) as K[]).find((k) => table[k].includes(t.text.toLowerCase())) : undefined);
const monthWord = (t: Token | undefined) => (t && /^\d{4}-(0[1-9]|1[0-2])$/.test(t.text) ? t.text : undefined);

/** `6`, `6 months`, `6个月`: how far ahead (1 to 24). */
function monthsOf(t: Token): number | null | undefined {
  const m = /^(\d{1,3})(?:m|个月|月)?$/i.exec(t.text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= 24 ? n : null;
}

/**
 * `/forecast [months] [me|team|org] [by region|product|category]`, `/forecast export …` (CSV),
 * `/forecast accuracy [scope]`, `/forecast factors`, `/forecast factor +10% region East from
 * 2027-01 until 2027-06 "new distributor"` (admins), `/forecast factor remove 2`. Chinese:
 * 预测 6个月 团队 按 产品, 导出, 准确率, 因素.
 */
export function parseForecastCommand(text: string): ForecastCommand {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (is(words.help, first)) return { kind: 'help' };
  if (is(words.factors, first) && tokens.length === 1) return { kind: 'factors' };
  if (is(words.factor, first)) return parseFactor(tokens.slice(1));
  if (is(words.accuracy, first)) {
    const scope = lookup(scopes, tokens[1]);
    if (tokens.length > (scope ? 2 : 1)) return { kind: 'invalid', reason: 'unknown_word', word: tokens[scope ? 2 : 1]!.text };
    return { kind: 'accuracy', scope };
  }
  const exporting = is(words.export, first);
  let months: number | undefined;
  let scope: ForecastScope | undefined;
  let by: ForecastDimension = 'total';
  const rest = exporting ? tokens.slice(1) : tokens;
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i]!;
    const n = t.quoted ? undefined : monthsOf(t);
    if (n === null) return { kind: 'invalid', reason: 'bad_months', word: t.text };
    if (n !== undefined && months === undefined) {
      months = n;
      if (/^(months?|个月)$/i.test(rest[i + 1]?.text ?? '')) i++;
      continue;
    }
    const s = lookup(scopes, t);
    if (s && !scope) { scope = s; continue; }
    const d = lookup(dimensions, is(words.by, t) ? rest[++i] : t);
    if (d && by === 'total') { by = d; continue; }
    return { kind: 'invalid', reason: 'unknown_word', word: t.text };
  }
  return { kind: exporting ? 'export' : 'run', months: months ?? (exporting ? 12 : 6), scope, by };
}

function parseFactor(tokens: Token[]): ForecastCommand {
  const bad = (word: string): ForecastCommand => ({ kind: 'invalid', reason: 'bad_factor', word });
  if (is(words.remove, tokens[0])) {
    const n = Number(tokens[1]?.text);
    return tokens.length === 2 && Number.isInteger(n) && n >= 1 && n <= 500 ? { kind: 'remove_factor', position: n } : bad(tokens[1]?.text ?? '');
  }
  const pct = /^([+-]?\d{1,4}(?:\.\d{1,2})?)%$/.exec(tokens[0]?.text.replace('％', '%') ?? '');
  if (!pct) return bad(tokens[0]?.text ?? '');
  let i = 1;
  let scope: FactorScope = 'all';
  let scopeValue = '';
  const named = lookup(factorScopeWords, tokens[i]);
  if (named) {
    scope = named;
    scopeValue = tokens[i + 1]?.text ?? '';
    if (!scopeValue || is(words.from, tokens[i + 1])) return bad(tokens[i]!.text);
    i += 2;
  } else if (is(['all', '全部'], tokens[i])) i++;
  if (!is(words.from, tokens[i]) || !monthWord(tokens[i + 1])) return bad(tokens[i]?.text ?? '');
  const fromMonth = monthWord(tokens[i + 1])!;
  i += 2;
  let untilMonth: string | undefined;
  if (is(words.until, tokens[i])) {
    untilMonth = monthWord(tokens[i + 1]);
    if (!untilMonth) return bad(tokens[i + 1]?.text ?? tokens[i]!.text);
    i += 2;
  }
  const note = tokens.slice(i).map((t) => t.text).join(' ');
  return { kind: 'add_factor', percent: pct[1]!, scope, scopeValue, fromMonth, untilMonth, note };
}
