import { formatMoney } from '../../cards/presenters/format';
import { opportunityCard } from '../../cards/presenters/opportunity-card';
import { createOpportunity } from '../../domain/opportunities/create-opportunity';
import { getDealGuide } from '../../domain/opportunities/get-deal-guide';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';

/** A new deal for a customer, from `/opp new …` or a button that finishes it. */
export async function createOppFor(ctx: CommandContext, customer: { id: string; name: string }, deal: { amount: string; currency?: string; title: string }): Promise<CommandResult> {
  const o = await createOpportunity(ctx.em, ctx.actor, { customerId: customer.id, title: deal.title, amount: deal.amount, currency: deal.currency, sourceKey: ctx.requestKey });
  const notice = ctx.t('opp.created', { title: o.title, customer: customer.name, amount: formatMoney(o.amount, o.currency, ctx.user.locale) });
  return card(opportunityCard(o, customer.name, ctx, notice, await getDealGuide(ctx.em, o.tenantId)));
}
