import { quoteCard } from '../../cards/presenters/quote-card';
import { findQuoteByNumber } from '../../domain/quotes/find-quote-by-number';
import { afterMatch } from '../customers/customer-match';
import { resolveCustomerQuery } from '../customers/resolve-customer';
import { card, form, type CommandContext, type CommandResult } from '../pipeline/context';
import { parseQuoteCommand, quoteExample } from './quote.grammar';
import { newQuoteForm } from './quote.forms';
import { createQuoteReply } from './quote.intents';

/** A quote from the command line writes (the worker prices and files it); the bare command opens the form. */
export const quoteWrites = (text: string): 'queued' | false => (text.trim() && parseQuoteCommand(text).kind === 'create' ? 'queued' : false);

/** `/quote …` on either platform. */
export async function quoteCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t } = ctx;
  if (!text.trim()) return form(newQuoteForm(ctx));
  const parsed = parseQuoteCommand(text);
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: t('help.quote') });
    case 'invalid':
      if (parsed.reason === 'bad_discount') return card({ kind: 'card', tone: 'warn', text: t('quote.badDiscount', { text: parsed.text ?? '' }) });
      return card({ kind: 'card', tone: 'warn', text: t('quote.missingLines', { example: quoteExample }) });
    case 'show':
      return card(quoteCard(await findQuoteByNumber(ctx.em, ctx.actor, parsed.number), ctx));
    case 'create': {
      const intent = { do: 'quote' as const, lines: parsed.lines, extraPercentOff: parsed.extraPercentOff };
      return afterMatch(ctx, await resolveCustomerQuery(ctx, parsed.customer), intent, (c) => createQuoteReply(ctx, c, intent));
    }
  }
}
