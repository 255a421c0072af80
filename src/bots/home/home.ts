import { DateTime } from 'luxon';
import { listUpcomingVisits } from '../../domain/activities/list-upcoming-visits';
import { listOpenOpportunities } from '../../domain/opportunities/list-open-opportunities';
import { listQuotesAwaitingApproval } from '../../domain/quotes/list-quotes-awaiting-approval';
import type { CommandContext } from '../pipeline/context';
import { visitButtons } from '../../cards/presenters/visit-buttons';
import { clip, formatDate, formatDateTime, formatMoney } from '../../cards/presenters/format';
import { opportunityLine } from '../../cards/presenters/opportunity-card';
import type { CardModel } from '../../cards/reply-model';

/** The rep's day: today's visits, open deals, and what needs attention. */
export async function homeCards(ctx: CommandContext): Promise<CardModel[]> {
  const { t, user } = ctx;
  const startOfDay = DateTime.fromJSDate(ctx.now, { zone: user.timezone }).startOf('day');
  const endOfDay = startOfDay.endOf('day').toJSDate();
  const visits = (await listUpcomingVisits(ctx.em, ctx.actor, { from: startOfDay.toJSDate(), limit: 20 })).filter((v) => v.visit.scheduledAt! <= endOfDay);
  const { items } = await listOpenOpportunities(ctx.em, ctx.actor, { whose: 'mine', limit: 10 });
  const today = startOfDay.toISODate()!;
  const approvals = await listQuotesAwaitingApproval(ctx.em, ctx.actor);
  const pending = items.flatMap(({ opportunity: o, customerName }) => [
    ...(o.expectedCloseDate && o.expectedCloseDate < today ? [t('home.overdueClose', { title: clip(o.title, 50), customer: clip(customerName, 30), date: formatDate(o.expectedCloseDate, user.locale) })] : []),
    ...(!o.nextStep ? [t('home.noNextStep', { title: clip(o.title, 50), customer: clip(customerName, 30) })] : []),
  ]);
  return [
    {
      kind: 'card',
      header: `${t('home.today')} · ${formatDate(today, user.locale)}`,
      sections: visits.length
        ? visits.map(({ visit, customerName }) => ({ lines: [`*${formatDateTime(visit.scheduledAt!, user.timezone, user.locale)}* · ${clip(customerName, 60)}`], buttons: visitButtons(visit.id, ctx) }))
        : [{ lines: [t('home.noVisitsToday')] }],
    },
    {
      kind: 'card',
      header: t('home.openOpps'),
      sections: items.length
        ? items.map(({ opportunity, customerName }) => ({ lines: [opportunityLine(opportunity, customerName, ctx)], buttons: [{ label: t('customer.details'), action: 'opp.open' as const, value: opportunity.id }] }))
        : [{ lines: [t('opp.listEmpty')] }],
    },
    {
      kind: 'card',
      header: t('home.pending'),
      sections: [
        ...approvals.map(({ quote, customerName }) => ({
          lines: [t('home.quoteToApprove', { number: quote.number, customer: clip(customerName, 40), total: formatMoney(quote.total, quote.currency, user.locale) })],
          buttons: [{ label: t('customer.details'), action: 'quote.open' as const, value: quote.id }],
        })),
        { lines: pending.length ? pending.slice(0, 10).map((p) => `• ${p}`) : approvals.length ? [] : [t('home.nothingPending')] },
      ].filter((s) => s.lines.length > 0),
    },
  ];
}
