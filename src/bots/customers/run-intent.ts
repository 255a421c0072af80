import { customerCard } from '../../cards/presenters/customer-card';
import { getCustomerView } from '../../domain/customers/get-customer-view';
import { createOppFor } from '../opportunities/opp.intents';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import { createQuoteReply } from '../quotes/quote.intents';
import { logVisitNow, planVisitAt } from '../visits/visit.intents';
import type { Intent } from './intent';

/** Finishes what the user asked for, once we know which customer they meant. */
export async function runIntent(ctx: CommandContext, customer: { id: string; name: string }, intent: Intent): Promise<CommandResult> {
  switch (intent.do) {
    case 'show':
      return card(customerCard(await getCustomerView(ctx.em, ctx.actor, customer.id), ctx));
    case 'log':
      return logVisitNow(ctx, customer, intent.notes);
    case 'plan':
      return planVisitAt(ctx, customer, new Date(intent.at), intent.purpose);
    case 'opp':
      return createOppFor(ctx, customer, intent);
    case 'quote':
      return createQuoteReply(ctx, customer, intent);
  }
}
