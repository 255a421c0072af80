import { z } from 'zod';
import type { FormModel } from '../../cards/reply-model';
import { loadOpportunity, requireOpen } from '../../domain/opportunities/opportunity-access';
import type { Opportunity } from '../../domain/opportunities/opportunity.entity';
import { rateOpportunity } from '../../domain/opportunities/rate-opportunity';
import { scoreFactors, type ScoreFactor } from '../../domain/opportunities/score-opportunity';
import { tickChecklistItem } from '../../domain/opportunities/tick-checklist-item';
import { resolveAccess } from '../../domain/shared/access';
import { done, form, type CommandContext } from '../pipeline/context';
import { fieldModel, formFrame, type FieldSpecs } from '../pipeline/form-spec';
import { defineAction, defineForm } from '../pipeline/handlers';
import { id, parts, stage } from '../pipeline/values';
import { moveStage, showOpportunity } from './opp-stage';

/**
 * Scoring and stage guidance on the deal card: Rate opens the five ratings, a tick button ticks
 * (or unticks) an exit-checklist item, and "Move anyway" moves on past unticked items.
 */

const ratingOptions = ['none', '0', '1', '2', '3', '4', '5'] as const;
const rateFields = Object.fromEntries(scoreFactors.map((f) => [f, { type: 'select', options: ratingOptions }])) as Record<ScoreFactor, { type: 'select'; options: typeof ratingOptions }>;
rateFields satisfies FieldSpecs;

export function rateForm(ctx: CommandContext, o: Opportunity): FormModel {
  const { t } = ctx;
  return {
    ...formFrame(t, 'opp.rate', 'opp.rateTitle'),
    metadata: { opportunityId: o.id },
    fields: scoreFactors.map((f) => {
      const low = t(`scoring.low.${f}`);
      const high = t(`scoring.high.${f}`);
      const current = o.scoreInputs?.[f];
      return fieldModel(f, rateFields[f], t('scoring.fieldLabel', { factor: t(`scoring.factors.${f}`), low, high }), {
        initial: Number.isFinite(current) ? String(Math.min(5, Math.max(0, Math.round(current!)))) : 'none',
        optionLabel: (v) => (v === 'none' ? t('scoring.notRated') : v === '0' ? t('scoring.optionEnd', { n: 0, meaning: low }) : v === '5' ? t('scoring.optionEnd', { n: 5, meaning: high }) : v),
      });
    }),
  };
}

const itemIndex = z.string().regex(/^\d$/).transform(Number);

export const oppGuideActions = {
  'opp.rate': defineAction({
    value: id,
    effect: 'read',
    async run(ctx, oppId) {
      // Only someone who may change the deal gets the form (a rep cannot rate a colleague's deal).
      const o = await loadOpportunity(ctx.em, await resolveAccess(ctx.em, ctx.actor), oppId, 'write');
      requireOpen(o);
      return form(rateForm(ctx, o));
    },
  }),
  'opp.tick': defineAction({
    value: parts(id, stage, itemIndex),
    effect: 'write',
    async run(ctx, [oppId, shown, index]) {
      const ticked = await tickChecklistItem(ctx.em, ctx.actor, oppId, { stage: shown, index });
      return showOpportunity(ctx, oppId, ticked.stale ? ctx.t('errors.stale') : undefined, true);
    },
  }),
  'opp.stage_anyway': defineAction({ value: parts(id, stage, stage), effect: 'write', run: (ctx, [oppId, shown, to]) => moveStage(ctx, { id: oppId, shown, to, anyway: true }) }),
  // A stage button on a message listing several deals (the stuck-deals digest): answers with new messages.
  'nudge.advance': defineAction({ value: parts(id, stage, stage), effect: 'write', run: (ctx, [oppId, shown, to]) => moveStage(ctx, { id: oppId, shown, to, replace: false }) }),
  // "Back" on the "not done yet" question: the current deal card takes the question's place.
  'opp.back': defineAction({ value: id, effect: 'read', run: (ctx, oppId) => showOpportunity(ctx, oppId, undefined, true) }),
};

export const oppGuideForms = {
  'opp.rate': defineForm({
    fields: rateFields,
    metadata: z.object({ opportunityId: id }),
    async submit(ctx, meta, v) {
      const ratings = Object.fromEntries(scoreFactors.map((f) => [f, v[f] === null || v[f] === 'none' ? null : Number(v[f])]));
      const o = await rateOpportunity(ctx.em, ctx.actor, meta.opportunityId, ratings);
      const shown = await showOpportunity(ctx, o.id, ctx.t('opp.rated', { title: o.title }));
      return done(shown.type === 'card' ? shown.card : undefined);
    },
  }),
};
