import { quoteCard } from '../../cards/presenters/quote-card';
import { advanceQuote } from '../../domain/quotes/advance-quote';
import { decideQuote } from '../../domain/quotes/decide-quote';
import { loadQuoteView } from '../../domain/quotes/load-quote-view';
import { isDomainError } from '../../domain/shared/domain-error';
import { card, form, type CommandContext, type CommandResult } from '../pipeline/context';
import { defineAction } from '../pipeline/handlers';
import { id } from '../pipeline/values';
import { rejectForm } from './quote.forms';

const current = async (ctx: CommandContext, quoteId: string, notice?: string) => card(quoteCard(await loadQuoteView(ctx.em, ctx.actor, quoteId), ctx, notice), true);

/** A decision or a step that someone else (or a second click) already took shows where the quote stands. */
async function step(ctx: CommandContext, quoteId: string, change: () => Promise<unknown>, notice?: (ownerName: string) => string): Promise<CommandResult> {
  try {
    await change();
  } catch (err) {
    if (isDomainError(err) && err.code === 'conflict') return current(ctx, quoteId, ctx.t('quote.alreadyDecided'));
    throw err;
  }
  const view = await loadQuoteView(ctx.em, ctx.actor, quoteId);
  return card(quoteCard(view, ctx, notice?.(view.ownerName)), true);
}

export const quoteActions = {
  'quote.open': defineAction({ value: id, effect: 'read', run: (ctx, quoteId) => current(ctx, quoteId) }),
  'quote.approve': defineAction({
    value: id,
    effect: 'write',
    run: (ctx, quoteId) => step(ctx, quoteId, () => decideQuote(ctx.em, ctx.actor, { quoteId, decision: 'approve' }), (name) => ctx.t('quote.approvedNow', { name })),
  }),
  /** Asks why first; a decided quote shows its state instead. */
  'quote.reject': defineAction({
    value: id,
    effect: 'read',
    async run(ctx, quoteId) {
      const view = await loadQuoteView(ctx.em, ctx.actor, quoteId);
      if (view.quote.status !== 'pending_approval') return card(quoteCard(view, ctx, ctx.t('quote.alreadyDecided')), true);
      return form(rejectForm(ctx, quoteId));
    },
  }),
  'quote.sent': defineAction({ value: id, effect: 'write', run: (ctx, quoteId) => step(ctx, quoteId, () => advanceQuote(ctx.em, ctx.actor, { quoteId, to: 'sent' }, ctx.now)) }),
  'quote.accept': defineAction({ value: id, effect: 'write', run: (ctx, quoteId) => step(ctx, quoteId, () => advanceQuote(ctx.em, ctx.actor, { quoteId, to: 'accepted' }, ctx.now)) }),
};
