import type { Opportunity, Stage } from '../../domain/opportunities/opportunity.entity';
import { openStages } from '../../domain/opportunities/opportunity.entity';
import { scoreFactors } from '../../domain/opportunities/score-opportunity';
import type { Reader } from './reader';
import type { Button, CardModel } from '../reply-model';
import { clip, formatDate, formatMoney } from './format';
import type { DealGuide } from '../../domain/opportunities/get-deal-guide';
import { checklistSections, defaultDealGuide, explanationLine, priorityLabel } from './deal-guide';

/**
 * The deal with its stage buttons; its score, priority and win probability with where the points
 * came from; and the current stage's exit checklist with a tick button per item.
 */
export function opportunityCard(o: Opportunity, customerName: string, ctx: Reader, notice?: string, guide: DealGuide = defaultDealGuide): CardModel {
  const { t, user } = ctx;
  const closed = o.stage === 'won' || o.stage === 'lost';
  const fields = [
    { label: t('opp.amount'), value: formatMoney(o.amount, o.currency, user.locale) },
    { label: t('opp.stage'), value: t(`opp.stages.${o.stage}`) },
    { label: t('opp.stageProbability'), value: `${o.probability}%` },
    { label: t('opp.closeDate'), value: o.expectedCloseDate ? formatDate(o.expectedCloseDate, user.locale) : t('common.none') },
  ];
  const priority = priorityLabel(o.score, guide, t);
  fields.push({ label: t('opp.score'), value: o.score != null ? `${o.score}/100 · ${priority}` : noScoreText(o, closed, t) });
  if (o.score != null && o.winProbability != null) fields.push({ label: t('opp.winProbability'), value: `${o.winProbability}%` });
  if (o.nextStep) fields.push({ label: t('opp.nextStep'), value: clip(o.nextStep, 200) });

  const buttons: Button[] = [];
  if (!closed) {
    const next = openStages[openStages.indexOf(o.stage as Stage) + 1];
    // Values carry the stage the card showed, so a click on a stale card is detected, not replayed.
    if (next) buttons.push({ label: t('opp.stageButton', { stage: t(`opp.stages.${next}`) }), action: 'opp.stage', value: `${o.id}|${o.stage}|${next}`, style: 'primary' });
    buttons.push({ label: t('opp.rate'), action: 'opp.rate', value: o.id });
    buttons.push({ label: t('opp.win'), action: 'opp.win', value: `${o.id}|${o.stage}` });
    buttons.push({ label: t('opp.lose'), action: 'opp.lose', value: `${o.id}|${o.stage}`, style: 'danger' });
  }
  const explanation = o.score != null ? explanationLine(o, guide, t) : null;
  const why = explanation ? [{ title: t('scoring.explainTitle'), lines: [explanation] }] : [];
  return {
    kind: 'card',
    tone: o.stage === 'won' ? 'ok' : undefined,
    header: clip(`${o.title} · ${customerName}`, 140),
    text: notice,
    fields,
    sections: [...why, ...(!closed ? checklistSections(o, guide, t) : o.lostReason ? [{ lines: [o.lostReason] }] : [])],
    buttons,
  };
}

/**
 * Why a deal has no score: a closed deal cannot be rated any more (no "tap Rate"); ratings that all
 * weigh 0 under today's weights say so; otherwise, how to score it.
 */
function noScoreText(o: Opportunity, closed: boolean, t: Reader['t']): string {
  if (closed) return t('scoring.unratedClosed');
  const rated = scoreFactors.filter((f) => Number.isFinite(o.scoreInputs?.[f]));
  if (rated.length === 0) return t('scoring.unrated');
  return t('scoring.noWeight', { factors: rated.map((f) => t(`scoring.factors.${f}`)).join(t('scoring.factorSep')) });
}

/** One deal in a list; with `guide`, led by its priority and score ("🔴 High 82 · …"). */
export function opportunityLine(o: Opportunity, customerName: string, ctx: Reader, guide?: DealGuide): string {
  const due = o.expectedCloseDate ? ` · ${formatDate(o.expectedCloseDate, ctx.user.locale)}` : '';
  const priority = guide ? priorityLabel(o.score, guide, ctx.t) : null;
  const lead = guide ? (priority ? `${priority} ${o.score} · ` : `${ctx.t('scoring.notRated')} · `) : '';
  return `${lead}*${clip(o.title, 60)}* · ${clip(customerName, 40)} · ${formatMoney(o.amount, o.currency, ctx.user.locale)} · ${ctx.t(`opp.stages.${o.stage}`)}${due}`;
}
