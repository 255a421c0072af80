import { quoteCard } from '../../cards/presenters/quote-card';
import { advanceQuote } from '../../domain/quotes/advance-quote';
import { decideQuote } from '../../domain/quotes/decide-quote';
import { loadQuoteView } from '../../domain/quotes/load-quote-view';
import type { DomainError } from '../../domain/shared/domain-error';
import { card, form, type CommandContext, type CommandResult } from '../pipeline/context';
import { defineAction } from '../pipeline/handlers';
import { id } from '../pipeline/values';
import { rejectForm } from './quote.forms';

const current = async (ctx: CommandContext, quoteId: string, notice?: string) => card(quoteCard(await loadQuoteView(ctx.em, ctx.actor, quoteId), ctx, notice), true);

/** The quote as it stands now, with a notice. */
const changed = async (ctx: CommandContext, quoteId: string, notice?: (ownerName: string) => string): Promise<CommandResult> => {
  const view = await loadQuoteView(ctx.em, ctx.actor, quoteId);
  return card(quoteCard(view, ctx, notice?.(view.ownerName)), true);
};

/** A decision or step that someone else (or a second click) already took shows where the quote stands. */
const alreadyDecided = async (ctx: CommandContext, quoteId: string, err: DomainError) => (err.code === 'conflict' ? current(ctx, quoteId, ctx.t('quote.alreadyDecided')) : null);

export const quoteActions = {
  'quote.open': defineAction({ value: id, effect: 'read', run: (ctx, quoteId) => current(ctx, quoteId) }),
  'quote.approve': defineAction({
    value: id,
    effect: 'write',
    async run(ctx, quoteId) {
      await decideQuote(ctx.em, ctx.actor, { quoteId, decision: 'approve' });
      return changed(ctx, quoteId, (name) => ctx.t('quote.approvedNow', { name }));
    },
    onRefusal: alreadyDecided,
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
  'quote.sent': defineAction({ value: id, effect: 'write', run: async (ctx, quoteId) => (await advanceQuote(ctx.em, ctx.actor, { quoteId, to: 'sent' }, ctx.now), changed(ctx, quoteId)), onRefusal: alreadyDecided }),
  'quote.accept': defineAction({ value: id, effect: 'write', run: async (ctx, quoteId) => (await advanceQuote(ctx.em, ctx.actor, { quoteId, to: 'accepted' }, ctx.now), changed(ctx, quoteId)), onRefusal: alreadyDecided }),
};
