import { openStages, type Stage } from '../../domain/opportunities/opportunity.entity';
import type { StalledOpportunity } from '../../domain/opportunities/list-stalled-opportunities';
import type { StallReason } from '../../domain/opportunities/stall-rules';
import type { Reader } from './reader';
import type { Button, CardModel, Section } from '../reply-model';
import { clip, formatDate } from './format';
import { opportunityLine } from './opportunity-card';
import { poolReturnsSection } from './pool-card';
import type { PoolReturnRow } from '../../domain/customers/list-pool-notices';

type Ctx = Reader;

/** Two blocks a deal keeps the digest far under Slack's 50 blocks and short on a phone. */
export const maxDigestDeals = 12;
const maxSummaryReps = 15;
const maxDealsPerRep = 5;

export function stallReasonText(reason: StallReason, ctx: Ctx): string {
  const { t, user } = ctx;
  switch (reason.kind) {
    case 'stage_too_long':
      return t('jobs.nudge.stageTooLong', { days: reason.days, limit: reason.limit, stage: t(`opp.stages.${reason.stage}`) });
    case 'close_date_passed':
      return t('jobs.nudge.closeDatePassed', { date: formatDate(reason.date, user.locale) });
    case 'no_next_step':
      return t('jobs.nudge.noNextStep');
    case 'hot_but_quiet':
      return t('jobs.nudge.hotButQuiet', { score: reason.score, days: reason.days });
  }
}

function dealButtons(item: StalledOpportunity, ctx: Ctx): Button[] {
  const { t } = ctx;
  const o = item.opportunity;
  const next = openStages[openStages.indexOf(o.stage as Stage) + 1];
  const buttons: Button[] = [];
  // Values carry the stage the card showed, so a click on yesterday's digest is detected, not replayed.
  if (next) buttons.push({ label: t('opp.stageButton', { stage: t(`opp.stages.${next}`) }), action: 'nudge.advance', value: `${o.id}|${o.stage}|${next}`, style: 'primary' });
  buttons.push({ label: t('jobs.nudge.snooze3'), action: 'opp.snooze', value: `${o.id}|3` });
  buttons.push({ label: t('jobs.nudge.snooze7'), action: 'opp.snooze', value: `${o.id}|7` });
  buttons.push({ label: t('jobs.nudge.logActivity'), action: 'visit.log_for', value: o.customerId });
  buttons.push({ label: t('customer.details'), action: 'opp.open', value: o.id });
  return buttons;
}

const reasonsLine = (item: StalledOpportunity, ctx: Ctx) => item.reasons.map((r) => stallReasonText(r, ctx)).join(' · ');

/** A rep's one daily DM: each stuck deal with why, and buttons to move it on or snooze it. */
export function nudgeDigestCard(items: StalledOpportunity[], ctx: Ctx): CardModel {
  const { t } = ctx;
  const shown = items.slice(0, maxDigestDeals);
  const sections: Section[] = shown.map((item) => ({
    lines: [opportunityLine(item.opportunity, item.customerName, ctx), `↳ ${reasonsLine(item, ctx)}`],
    buttons: dealButtons(item, ctx),
  }));
  if (items.length > shown.length) sections.push({ lines: [t('jobs.nudge.more', { count: items.length - shown.length })] });
  return {
    kind: 'card',
    tone: 'warn',
    header: t('jobs.nudge.header', { count: items.length }),
    text: t('jobs.nudge.intro'),
    sections,
    context: [t('jobs.nudge.footer')],
  };
}

/**
 * A manager's Monday DM: their subtree's stalled deals grouped by rep, biggest backlog first; then
 * the customers their team let go back to the public pool last week.
 */
export function managerSummaryCard(items: StalledOpportunity[], ctx: Ctx & { weekOf: string; poolReturns?: PoolReturnRow[] }): CardModel {
  const { t } = ctx;
  const byOwner = new Map<string, StalledOpportunity[]>();
  for (const item of items) byOwner.set(item.opportunity.ownerId, [...(byOwner.get(item.opportunity.ownerId) ?? []), item]);
  const groups = [...byOwner.values()].sort((a, b) => b.length - a.length);
  const sections: Section[] = groups.slice(0, maxSummaryReps).map((deals) => ({
    title: t('jobs.summary.rep', { name: clip(deals[0]!.ownerName, 60), count: deals.length }),
    lines: [
      ...deals.slice(0, maxDealsPerRep).map((d) => `• ${opportunityLine(d.opportunity, d.customerName, ctx)} — ${reasonsLine(d, ctx)}`),
      ...(deals.length > maxDealsPerRep ? [t('jobs.summary.more', { count: deals.length - maxDealsPerRep })] : []),
    ],
    buttons: deals.slice(0, maxDealsPerRep).map((d) => ({ label: clip(d.opportunity.title, 40), action: 'opp.open' as const, value: d.opportunity.id })),
  }));
  if (groups.length > maxSummaryReps) {
    const rest = groups.slice(maxSummaryReps).reduce((n, g) => n + g.length, 0);
    sections.push({ lines: [t('jobs.summary.more', { count: rest })] });
  }
  const returns = ctx.poolReturns ?? [];
  if (returns.length > 0) sections.push(poolReturnsSection(returns, ctx));
  const onlyReturns = items.length === 0 && returns.length > 0;
  return {
    kind: 'card',
    tone: 'info',
    header: onlyReturns ? t('pool.summary.header', { count: returns.length }) : t('jobs.summary.header', { count: items.length }),
    text: onlyReturns ? t('pool.summary.intro', { date: formatDate(ctx.weekOf, ctx.user.locale) }) : t('jobs.summary.intro', { date: formatDate(ctx.weekOf, ctx.user.locale) }),
    sections,
    context: [t('jobs.summary.footer')],
  };
}
