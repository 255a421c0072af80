import type { ReportPeriod } from '../../domain/report-subscriptions/report-subscription.entity';
import { tokenize, type Token } from '../shared/grammar';

export type ReportScope = 'me' | 'team' | 'org';

export type ReportCommand =
  | { kind: 'help' }
  | { kind: 'run'; period: ReportPeriod; scope?: ReportScope; which?: WhichPeriod }
  | { kind: 'subscribe'; period: ReportPeriod; channel?: ChannelRef; localTime?: string; scope?: 'team' | 'org' }
  | { kind: 'unsubscribe'; period?: ReportPeriod; channel?: ChannelRef }
  | { kind: 'subscriptions' }
  | { kind: 'invalid'; reason: 'unknown_word' | 'bad_time' | 'bad_period'; word: string };

/**
 * Which period, when not the current one: the one before it, or the one starting on a local date
 * (a day, the Monday of an ISO week, the 1st of a month, 1 January).
 */
export type WhichPeriod = { kind: 'last' } | { kind: 'starting'; date: { year: number; month: number; day: number } | { weekYear: number; week: number } };

const periods: Record<ReportPeriod, string[]> = {
  daily: ['daily', 'day', 'today', '日报', '每日', '日'],
  weekly: ['weekly', 'week', '周报', '每周', '周'],
  monthly: ['monthly', 'month', '月报', '每月', '月'],
  yearly: ['yearly', 'year', 'annual', '年报', '每年', '年'],
};
const scopes: Record<ReportScope, string[]> = {
  me: ['me', 'mine', 'my', '我', '我的', '个人'],
  team: ['team', '团队'],
  org: ['org', 'company', 'all', '全公司', '公司'],
};
const verbs = {
  help: ['help', '帮助', '?', '？'],
  subscribe: ['subscribe', 'sub', '订阅'],
  unsubscribe: ['unsubscribe', 'unsub', 'stop', '取消订阅', '退订'],
  subscriptions: ['subscriptions', 'subs', 'list', '订阅列表', '列表'],
};

const lastWords = ['last', 'previous', 'prev', '上', '上个', '上一'];
/** One word for both: "上周" is the weekly report of last week. */
const lastPeriodWords: Record<string, ReportPeriod> = { yesterday: 'daily', 昨天: 'daily', 昨日: 'daily', 上周: 'weekly', 上星期: 'weekly', 上月: 'monthly', 上个月: 'monthly', 去年: 'yearly' };

/** A period written out: 2026-11-26, 2026-W47, 2026-11, 2025, 2026年11月, 2025年. */
function writtenPeriod(word: string): { period: ReportPeriod; which: WhichPeriod } | null | undefined {
  const plausibleYear = (y: number) => y >= 2000 && y <= 2100;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word);
  if (m) return dated('daily', { year: +m[1]!, month: +m[2]!, day: +m[3]! });
  m = /^(\d{4})-?w(\d{1,2})$/i.exec(word);
  if (m) return plausibleYear(+m[1]!) && +m[2]! >= 1 && +m[2]! <= 53 ? { period: 'weekly', which: { kind: 'starting', date: { weekYear: +m[1]!, week: +m[2]! } } } : null;
  m = /^(\d{4})-(\d{1,2})$/.exec(word) ?? /^(\d{4})年(\d{1,2})月$/.exec(word);
  if (m) return dated('monthly', { year: +m[1]!, month: +m[2]!, day: 1 });
  m = /^(\d{4})年?$/.exec(word);
  if (m) return plausibleYear(+m[1]!) ? { period: 'yearly', which: { kind: 'starting', date: { year: +m[1]!, month: 1, day: 1 } } } : null;
  return undefined;

  function dated(period: ReportPeriod, date: { year: number; month: number; day: number }) {
    const valid = plausibleYear(date.year) && date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= new Date(Date.UTC(date.year, date.month, 0)).getUTCDate();
    return valid ? { period, which: { kind: 'starting' as const, date } } : null;
  }
}

const lookup = <K extends string>(table: Record<K, string[]>, token: Token | undefined): K | undefined =>
  token && !token.quoted ? (Object.keys(table) as K[]).find((k) => table[k].includes(token.text.toLowerCase())) : undefined;

export type ChannelRef = { id: string; name?: string };

/** A channel reference as Slack sends it with escaping on: `<#C123|sales>` or `<#C123>`. */
export function channelRef(word: string): ChannelRef | null {
  const m = /^<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>$/.exec(word);
  return m ? { id: m[1]!, ...(m[2] ? { name: m[2] } : {}) } : null;
}

const localTime = (word: string): string | null | undefined => {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(word) ?? /^(\d{1,2})点(?:(\d{1,2})分?)?$/.exec(word);
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  if (hour > 23 || minute > 59) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
};

/**
 * `/report [daily|weekly|monthly|yearly] [last | 2026-11-26 | 2026-W47 | 2026-11 | 2025] [me|team|org]`
 * (this week so far and the widest reach by default; 上周, 上月, 去年, 昨天 name the last one);
 * `/report subscribe <period> [#channel] [HH:MM] [team|org]`; `/report unsubscribe [period] [#channel]`;
 * `/report subscriptions`; `help`. Chinese: 周报 团队, 订阅 周报 #频道 9点, 取消订阅, 订阅列表.
 */
export function parseReportCommand(text: string): ReportCommand {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (first && !first.quoted && verbs.help.includes(first.text.toLowerCase())) return { kind: 'help' };
  if (first && !first.quoted && verbs.subscriptions.includes(first.text.toLowerCase()) && tokens.length === 1) return { kind: 'subscriptions' };
  const verb = first && !first.quoted ? (verbs.subscribe.includes(first.text.toLowerCase()) ? 'subscribe' : verbs.unsubscribe.includes(first.text.toLowerCase()) ? 'unsubscribe' : null) : null;
  const rest = verb ? tokens.slice(1) : tokens;
  let period: ReportPeriod | undefined;
  let scope: ReportScope | undefined;
  let channel: ChannelRef | undefined;
  let time: string | undefined;
  let which: WhichPeriod | undefined;
  /** A period named twice must be named the same: "monthly 2026-W47" is not a report. */
  const setPeriod = (p: ReportPeriod) => (period && period !== p ? false : ((period = p), true));
  for (const token of rest) {
    const p = lookup(periods, token);
    const s = lookup(scopes, token);
    const c = channelRef(token.text);
    const t = verb === 'subscribe' ? localTime(token.text) : undefined;
    const word = token.quoted ? '' : token.text.toLowerCase();
    const written = verb || token.quoted ? undefined : writtenPeriod(word);
    if (!verb && !which && lastWords.includes(word)) which = { kind: 'last' };
    else if (!verb && !which && lastPeriodWords[word]) {
      if (!setPeriod(lastPeriodWords[word]!)) return { kind: 'invalid', reason: 'bad_period', word: token.text };
      which = { kind: 'last' };
    } else if (written === null) return { kind: 'invalid', reason: 'bad_period', word: token.text };
    else if (written) {
      if (which || !setPeriod(written.period)) return { kind: 'invalid', reason: 'bad_period', word: token.text };
      which = written.which;
    } else if (p && (!period || (which && period === p))) period = p;
    else if (s && !scope) scope = s;
    else if (c && verb && !channel) channel = c;
    else if (t === null) return { kind: 'invalid', reason: 'bad_time', word: token.text };
    else if (t && !time) time = t;
    else return { kind: 'invalid', reason: 'unknown_word', word: token.text };
  }
  if (verb === 'subscribe') {
    if (scope === 'me') return { kind: 'invalid', reason: 'unknown_word', word: 'me' };
    return { kind: 'subscribe', period: period ?? 'weekly', channel, localTime: time, scope: scope as 'team' | 'org' | undefined };
  }
  if (verb === 'unsubscribe') return { kind: 'unsubscribe', period, channel };
  return { kind: 'run', period: period ?? 'weekly', scope, ...(which ? { which } : {}) };
}
