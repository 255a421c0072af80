import { DateTime } from 'luxon';
import { listReportSubscriptions } from '../../domain/report-subscriptions/list-report-subscriptions';
import { subscribeReport } from '../../domain/report-subscriptions/subscribe-report';
import { unsubscribeReport } from '../../domain/report-subscriptions/unsubscribe-report';
import type { ReportPeriod, ReportSubscription } from '../../domain/report-subscriptions/report-subscription.entity';
import { resolveAccess } from '../../domain/shared/access';
import { reportPostJob } from '../../jobs/report-post.job';
import type { Translate } from '../../cards/i18n/i18n';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import { labelOf } from '../../domain/reports/report-period';
import { parseReportCommand, type ReportScope, type WhichPeriod } from './report.grammar';

/** Subscribing and unsubscribing change settings; a report on demand is queued under the request's key. */
export function reportWrites(text: string): 'inline' | false {
  const kind = parseReportCommand(text).kind;
  return kind === 'subscribe' || kind === 'unsubscribe' ? 'inline' : false;
}

/** The widest reach of each role, and every reach it may ask for (reports and forecasts alike). */
export const widest = { rep: 'me', manager: 'team', admin: 'org' } as const;
export const allowed: Record<'rep' | 'manager' | 'admin', ReportScope[]> = { rep: ['me'], manager: ['me', 'team'], admin: ['me', 'team', 'org'] };

/**
 * `/report …`: a report on demand is queued at once and posted into the conversation when ready
 * (charts take a moment); subscriptions post into a channel after each period.
 */
export async function reportCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t } = ctx;
  const parsed = parseReportCommand(text);
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: t('help.report') });
    case 'invalid':
      return card({ kind: 'card', tone: 'warn', text: t(invalidText[parsed.reason], { word: parsed.word }) + `\n${t('help.report')}` });
    case 'run':
      return runReport(ctx, parsed.period, parsed.scope, parsed.which);
    case 'subscribe': {
      const channel = parsed.channel ?? ctx.channel;
      if (!channel || !ctx.channel || (channel === ctx.channel && ctx.channel.isDirect) || channel.id.startsWith('D')) return card({ kind: 'card', tone: 'warn', text: t('report.needChannel') });
      const sub = await subscribeReport(ctx.em, ctx.actor, { platform: ctx.platform, channelId: channel.id, channelName: channel.name, period: parsed.period, localTime: parsed.localTime, scope: parsed.scope });
      return card({ kind: 'card', tone: 'ok', text: t('report.subscribed', { channel: channelLabel(sub), what: describe(sub, t) }) });
    }
    case 'unsubscribe': {
      const channel = parsed.channel ?? ctx.channel;
      if (!channel || !ctx.channel) return card({ kind: 'card', tone: 'warn', text: t('report.needChannel') });
      const count = await unsubscribeReport(ctx.em, ctx.actor, { platform: ctx.platform, channelId: channel.id, period: parsed.period });
      const label = channelLabel({ channelId: channel.id, channelName: channel.name ?? null });
      return card({ kind: 'card', tone: count ? 'ok' : 'info', text: count ? t('report.unsubscribed', { count, channel: label }) : t('report.nothingToStop', { channel: label }) });
    }
    case 'subscriptions': {
      const subs = await listReportSubscriptions(ctx.em, ctx.actor);
      if (subs.length === 0) return card({ kind: 'card', text: t('report.noSubscriptions') });
      return card({
        kind: 'card',
        header: t('report.subscriptionsHeader'),
        sections: [{ lines: subs.map(({ subscription, ownerName }) => `• ${channelLabel(subscription)} · ${describe(subscription, t)} · ${ownerName}`) }],
      });
    }
  }
}

const invalidText = { bad_time: 'report.badTime', unknown_word: 'report.unknownWord', bad_period: 'report.badPeriod' } as const;
const units = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' } as const;

/** The start of the period asked for, in the person's zone: this one, the one before, or one written out. */
export function periodStart(period: ReportPeriod, which: WhichPeriod | undefined, now: Date, zone: string): DateTime {
  const unit = units[period];
  if (!which) return DateTime.fromJSDate(now, { zone }).startOf(unit);
  if (which.kind === 'last') return DateTime.fromJSDate(now, { zone }).startOf(unit).minus({ [`${unit}s`]: 1 });
  const d = which.date;
  return ('week' in d ? DateTime.fromObject({ weekYear: d.weekYear, weekNumber: d.week, weekday: 1 }, { zone }) : DateTime.fromObject(d, { zone })).startOf(unit);
}

async function runReport(ctx: CommandContext, period: ReportPeriod, asked: ReportScope | undefined, which: WhichPeriod | undefined): Promise<CommandResult> {
  const { t, user } = ctx;
  const start = periodStart(period, which, ctx.now, user.timezone);
  if (!start.isValid) return card({ kind: 'card', tone: 'warn', text: t('report.badPeriod', { word: '' }) });
  if (start.toJSDate() > ctx.now) return card({ kind: 'card', tone: 'warn', text: t('report.notStarted', { label: labelOf(period, start) }) });
  const access = await resolveAccess(ctx.em, ctx.actor);
  const scope = asked ?? widest[access.role];
  if (!allowed[access.role].includes(scope)) {
    return card({ kind: 'card', tone: 'warn', text: t('report.scopeRefused', { scope: t(`report.scopes.${scope}`), allowed: allowed[access.role].map((s) => t(`report.scopes.${s}`)).join(' / ') }) });
  }
  if (!ctx.enqueue || !ctx.channel) return card({ kind: 'card', tone: 'error', text: t('report.unavailable') });
  await ctx.enqueue(reportPostJob, {
    tenantId: ctx.tenant.id,
    requesterId: user.id,
    scope,
    period,
    at: start.toJSDate().toISOString(),
    asOf: ctx.now.toISOString(),
    timezone: user.timezone,
    to: { channelId: ctx.channel.id },
    // The request's own key: the same request delivered twice posts one report.
    key: `request.${ctx.requestKey}`,
    fallbackUserId: user.id,
  });
  return card({ kind: 'card', text: t('report.queued', { period: t(`report.periods.${period}`), label: labelOf(period, start), scope: t(`report.scopes.${scope}`) }) });
}

/** Card text is shown literally (no mentions): the channel by the name it had, else its id. */
const channelLabel = (c: { channelId: string; channelName?: string | null }) => `#${c.channelName ?? c.channelId}`;

function describe(sub: ReportSubscription, t: Translate): string {
  const zone = DateTime.local().setZone(sub.timezone).toFormat('ZZZZ');
  return t('report.schedule', { period: t(`report.periods.${sub.period}`), scope: t(`report.scopes.${sub.scope}`), when: t(`report.when.${sub.period}`, { time: sub.localTime }), zone: `${sub.timezone}${zone ? ` (${zone})` : ''}` });
}
