import type { CustomerView } from '../../domain/customers/get-customer-view';
import type { Reader } from './reader';
import type { Button, CardModel, Field } from '../reply-model';
import { clip, formatDateTime, formatMoney, sparkline } from './format';
import { tierSourceText } from './tier-rules-card';

export function customerCard(view: CustomerView, ctx: Reader): CardModel {
  const { t, user } = ctx;
  const c = view.customer;
  const fields: Field[] = [
    { label: t('customer.owner'), value: view.ownerName ?? t('common.pool') },
    { label: t('customer.tier'), value: `${c.tier ?? t('common.none')}${c.keyAccount ? ` · ⭐ ${t('customer.keyAccount')}` : ''}${tierSourceText(c, t)}` },
  ];
  if (c.region) fields.push({ label: t('customer.region'), value: c.region });
  if (c.industry) fields.push({ label: t('customer.industry'), value: c.industry });
  if (c.phone) fields.push({ label: t('customer.phone'), value: c.phone });
  if (c.email) fields.push({ label: t('customer.email'), value: c.email });

  const timeline = view.timeline.map((i) => {
    const when = formatDateTime((i.occurredAt ?? i.scheduledAt)!, user.timezone, user.locale);
    const status = i.status === 'planned' ? ` (${t('visit.statuses.planned')})` : '';
    const outcome = i.outcome ? ` · ${t(`visit.outcomes.${i.outcome}`)}` : '';
    return `${when} · ${t(`visit.types.${i.type}`)}${status}${outcome} · ${i.userName}: ${clip(i.notes ?? i.purpose, 100)}`;
  });
  const opportunities = view.openOpportunities.map(
    (o) => `${clip(o.title, 60)} · ${formatMoney(o.amount, o.currency, user.locale)} · ${t(`opp.stages.${o.stage}`)}`,
  );

  const buttons: Button[] = [];
  if (c.ownerId == null) buttons.push({ label: t('customer.claim'), action: 'customer.claim', value: c.id, style: 'primary' });
  buttons.push({ label: t('customer.logVisit'), action: 'visit.log_for', value: c.id });
  buttons.push({ label: t('customer.planVisit'), action: 'visit.plan_for', value: c.id });
  buttons.push({ label: t('customer.newOpp'), action: 'opp.new_for', value: c.id });
  if (c.ownerId === user.id) buttons.push({ label: t('customer.release'), action: 'customer.release', value: c.id });

  return {
    kind: 'card',
    header: c.name,
    fields,
    sections: [
      { title: t('customer.lastInteractions'), lines: timeline.length ? timeline : [t('customer.noInteractions')] },
      {
        title: t('customer.openOpps'),
        lines: opportunities.length ? opportunities : [t('customer.noOpps')],
        buttons: view.openOpportunities.slice(0, 5).map((o) => ({ label: clip(o.title, 40), action: 'opp.open' as const, value: o.id })),
      },
    ],
    buttons,
    context: [t('customer.trend', { trend: sparkline(view.activityTrend) })],
  };
}
