import { checklistFor, tickedIndexes, type ChecklistItem } from '../../domain/opportunities/checklists';
import type { DealGuide } from '../../domain/opportunities/get-deal-guide';
import type { Opportunity, Stage } from '../../domain/opportunities/opportunity.entity';
import { defaultScoringSettings, explainScore, priorityOf } from '../../domain/opportunities/scoring';
import type { Button, CardModel, Section } from '../reply-model';
import { clip } from './format';
import type { Reader } from './reader';

/** The tenant's settings when a caller has none at hand: the defaults. */
export const defaultDealGuide: DealGuide = { scoring: defaultScoringSettings, checklists: {} };

export const checklistItemText = (item: ChecklistItem, t: Reader['t']): string => ('key' in item ? t(item.key) : item.text);

/** "🔴 High" for a score, per the tenant's bands; null without a score. */
export function priorityLabel(score: number | null | undefined, guide: DealGuide, t: Reader['t']): string | null {
  const p = priorityOf(score, guide.scoring.bands);
  return p ? t(`scoring.priorityShort.${p}`) : null;
}

/**
 * "Urgency 4/5 → 20 · Budget 3/5 → 15 · … · Signals +10 = 45": the points shown add up to the score.
 * When the bounds cut the total, the signal points actually counted are shown with the rule's
 * points: "… Fit 5/5 → 15 · Signals +0 of 15 (score capped at 100) = 100".
 * None when today's settings would not give the stored score (a closed deal keeps the score it
 * closed with; re-scoring passes only open ones): an explanation must add up to what is shown.
 */
export function explanationLine(o: Pick<Opportunity, 'scoreInputs' | 'signalBoost' | 'score'>, guide: DealGuide, t: Reader['t']): string | null {
  const e = explainScore(o.scoreInputs ?? {}, o.signalBoost ?? 0, guide.scoring);
  if (e.score === null || e.score !== o.score) return null;
  const parts = e.parts.map((p) => t('scoring.part', { factor: t(`scoring.factors.${p.factor}`), rating: p.rating, points: p.points }));
  const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `${n}` : '+0');
  if (e.capped) {
    // What the signals added after the bounds: the score less what the ratings gave.
    const counted = e.score - (e.weighted ?? 0);
    parts.push(t('scoring.signalsCounted', { counted: signed(counted), points: signed(e.signals), bound: t(e.total > 100 ? 'scoring.capped' : 'scoring.floored') }));
  } else if (e.signals !== 0) parts.push(t('scoring.signals', { points: signed(e.signals) }));
  return `${parts.join(' · ')} = ${e.score}`;
}

/**
 * The current stage's exit checklist: one short section per item with its tick button, so every
 * button sits under the item it ticks (one button per row on Teams, one per actions block on
 * Slack: at most 10 items, 20 blocks, well inside Slack's 50 and readable on a phone).
 */
export function checklistSections(o: Opportunity, guide: DealGuide, t: Reader['t']): Section[] {
  const checklist = checklistFor(guide.checklists, o.stage as Stage);
  if (!checklist) return [];
  const done = tickedIndexes(o.checklistTicks, checklist);
  return checklist.items.map((item, i) => ({
    ...(i === 0 ? { title: t('opp.checklistOf', { stage: t(`opp.stages.${o.stage}`), done: done.size, total: checklist.items.length }) } : {}),
    lines: [`${done.has(i) ? '☑' : '☐'} ${clip(checklistItemText(item, t), 120)}`],
    buttons: [{ label: t(done.has(i) ? 'opp.untick' : 'opp.tick'), action: 'opp.tick', value: `${o.id}|${o.stage}|${i}` } satisfies Button],
  }));
}

/** Moving on with items not done: which, and "Move anyway" (the same id|shown|to) or "Back" to the deal. */
export function moveAnywayCard(o: Opportunity, customerName: string, to: Stage, unchecked: ChecklistItem[], ctx: Reader): CardModel {
  const { t } = ctx;
  return {
    kind: 'card',
    tone: 'warn',
    header: clip(`${o.title} · ${customerName}`, 140),
    text: t('opp.notDoneText', { stage: t(`opp.stages.${o.stage}`) }),
    sections: [{ lines: unchecked.map((item) => `☐ ${clip(checklistItemText(item, t), 120)}`) }, { lines: [t('opp.moveAnywayQuestion', { title: clip(o.title, 100), to: t(`opp.stages.${to}`) })] }],
    buttons: [
      { label: t('opp.moveAnyway'), action: 'opp.stage_anyway', value: `${o.id}|${o.stage}|${to}`, style: 'primary' },
      { label: t('opp.back'), action: 'opp.back', value: o.id },
    ],
  };
}
