import { quoteCard } from '../../cards/presenters/quote-card';
import { createQuote } from '../../domain/quotes/create-quote';
import { loadQuoteView } from '../../domain/quotes/load-quote-view';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import type { Intent } from '../customers/intent';

/** Prices and files the quote once the customer is known; tells the requester where it went. */
export async function createQuoteReply(ctx: CommandContext, customer: { id: string; name: string }, intent: Extract<Intent, { do: 'quote' }>): Promise<CommandResult> {
  const { t } = ctx;
  const quote = await createQuote(ctx.em, ctx.actor, { customerId: customer.id, lines: intent.lines, extraPercentOff: intent.extraPercentOff, sourceKey: ctx.requestKey }, ctx.now);
  const view = await loadQuoteView(ctx.em, ctx.actor, quote.id);
  const header = quote.status === 'pending_approval' ? t('quote.createdPending', { number: quote.number, approver: view.approverName }) : t('quote.createdApproved', { number: quote.number });
  return card(quoteCard(view, ctx, header));
}
