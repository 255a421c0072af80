import type { Opportunity, Stage } from '../../domain/opportunities/opportunity.entity';
import { openStages } from '../../domain/opportunities/opportunity.entity';
import type { Reader } from './reader';
import type { Button, CardModel } from '../reply-model';
import { clip, formatDate, formatMoney } from './format';

/** The deal with its stage buttons; the checklist says what leaving the current stage takes. */
export function opportunityCard(o: Opportunity, customerName: string, ctx: Reader, notice?: string): CardModel {
  const { t, user } = ctx;
  const closed = o.stage === 'won' || o.stage === 'lost';
  const fields = [
    { label: t('opp.amount'), value: formatMoney(o.amount, o.currency, user.locale) },
    { label: t('opp.stage'), value: t(`opp.stages.${o.stage}`) },
    { label: t('opp.probability'), value: `${o.probability}%` },
    { label: t('opp.closeDate'), value: o.expectedCloseDate ? formatDate(o.expectedCloseDate, user.locale) : t('common.none') },
  ];
  if (o.score != null) fields.push({ label: t('opp.score'), value: `${o.score}/100` });
  if (o.nextStep) fields.push({ label: t('opp.nextStep'), value: clip(o.nextStep, 200) });

  const buttons: Button[] = [];
  if (!closed) {
    const next = openStages[openStages.indexOf(o.stage as Stage) + 1];
    // Values carry the stage the card showed, so a click on a stale card is detected, not replayed.
    if (next) buttons.push({ label: t('opp.stageButton', { stage: t(`opp.stages.${next}`) }), action: 'opp.stage', value: `${o.id}|${o.stage}|${next}`, style: 'primary' });
    buttons.push({ label: t('opp.win'), action: 'opp.win', value: `${o.id}|${o.stage}` });
    buttons.push({ label: t('opp.lose'), action: 'opp.lose', value: `${o.id}|${o.stage}`, style: 'danger' });
  }
  const checklist = t(`opp.exitChecklist.${o.stage}`);
  return {
    kind: 'card',
    tone: o.stage === 'won' ? 'ok' : undefined,
    header: clip(`${o.title} · ${customerName}`, 140),
    text: notice,
    fields,
    sections: !closed && checklist ? [{ title: t('opp.checklist'), lines: [`☐ ${checklist}`] }] : o.lostReason ? [{ lines: [o.lostReason] }] : [],
    buttons,
  };
}

export function opportunityLine(o: Opportunity, customerName: string, ctx: Reader): string {
  const due = o.expectedCloseDate ? ` · ${formatDate(o.expectedCloseDate, ctx.user.locale)}` : '';
  return `*${clip(o.title, 60)}* · ${clip(customerName, 40)} · ${formatMoney(o.amount, o.currency, ctx.user.locale)} · ${ctx.t(`opp.stages.${o.stage}`)}${due}`;
}
