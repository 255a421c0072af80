import type { ReportPeriod } from '../../domain/report-subscriptions/report-subscription.entity';
import { tokenize, type Token } from '../shared/grammar';

export type ReportScope = 'me' | 'team' | 'org';

export type ReportCommand =
  | { kind: 'help' }
  | { kind: 'run'; period: ReportPeriod; scope?: ReportScope }
  | { kind: 'subscribe'; period: ReportPeriod; channel?: ChannelRef; localTime?: string; scope?: 'team' | 'org' }
  | { kind: 'unsubscribe'; period?: ReportPeriod; channel?: ChannelRef }
  | { kind: 'subscriptions' }
  | { kind: 'invalid'; reason: 'unknown_word' | 'bad_time'; word: string };

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
 * `/report [daily|weekly|monthly|yearly] [me|team|org]` (weekly and the widest reach by default);
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
  for (const token of rest) {
    const p = lookup(periods, token);
    const s = lookup(scopes, token);
    const c = channelRef(token.text);
    const t = verb === 'subscribe' ? localTime(token.text) : undefined;
    if (p && !period) period = p;
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
  return { kind: 'run', period: period ?? 'weekly', scope };
}
