import { logInteraction } from '../../domain/activities/log-interaction';
import { planVisit } from '../../domain/activities/plan-visit';
import { getCustomerView } from '../../domain/customers/get-customer-view';
import { searchCustomers } from '../../domain/customers/search-customers';
import type { Customer } from '../../domain/customers/customer.entity';
import { createOpportunity } from '../../domain/opportunities/create-opportunity';
import { card, type CommandContext, type CommandResult } from './command-context';
import { encodeCreate, encodePick, fitsInButton, type Intent } from './intent';
import { customerCard } from '../../cards/presenters/customer-card';
import { clip, formatDateTime, formatMoney } from '../../cards/presenters/format';
import { opportunityCard } from '../../cards/presenters/opportunity-card';
import { createQuoteReply } from './quote.command';
import type { Button } from '../../cards/reply-model';
import { visitButtons } from '../../cards/presenters/visit-buttons';
import type { CustomerMatch } from './resolve-customer';

/** Finishes what the user asked for, once we know which customer they meant. */
export async function runIntent(ctx: CommandContext, customer: Customer, intent: Intent): Promise<CommandResult> {
  const { t, user } = ctx;
  switch (intent.do) {
    case 'show':
      return card(customerCard(await getCustomerView(ctx.em, ctx.actor, customer.id), ctx));
    case 'log': {
      await logInteraction(ctx.em, ctx.actor, { customerId: customer.id, notes: intent.notes, occurredAt: ctx.now, sourceKey: ctx.sourceKey });
      return card({
        kind: 'card',
        tone: 'ok',
        text: t('visit.logged', { customer: customer.name }),
        context: [clip(intent.notes, 200)],
        buttons: [{ label: t('customer.planVisit'), action: 'visit.plan_for', value: customer.id }],
      });
    }
    case 'plan': {
      const visit = await planVisit(ctx.em, ctx.actor, { customerId: customer.id, scheduledAt: new Date(intent.at), purpose: intent.purpose ?? null, sourceKey: ctx.sourceKey });
      return card({
        kind: 'card',
        tone: 'ok',
        text: t('visit.planned', { customer: customer.name, when: formatDateTime(visit.scheduledAt!, user.timezone, user.locale), lead: user.reminderLeadMinutes }),
        context: intent.purpose ? [clip(intent.purpose, 200)] : undefined,
        buttons: visitButtons(visit.id, ctx),
      });
    }
    case 'quote':
      return createQuoteReply(ctx, customer, intent);
    case 'opp': {
      const opportunity = await createOpportunity(ctx.em, ctx.actor, { customerId: customer.id, title: intent.title, amount: intent.amount, currency: intent.currency, sourceKey: ctx.sourceKey });
      return card(opportunityCard(opportunity, customer.name, ctx, t('opp.created', { title: opportunity.title, customer: customer.name, amount: formatMoney(opportunity.amount, opportunity.currency, user.locale) })));
    }
  }
}

/** One customer: do it. Several: buttons to pick. None: suggestions and a create button. */
export async function afterMatch(ctx: CommandContext, match: CustomerMatch, intent: Intent): Promise<CommandResult> {
  const { t } = ctx;
  if (match.kind === 'one') return runIntent(ctx, match.customer, intent);
  if (match.kind === 'many') {
    return card({
      kind: 'card',
      tone: 'info',
      text: t('customer.pick', { query: match.query }),
      buttons: pickButtons(match.candidates, intent),
    });
  }
  const suggestions = await looseSuggestions(ctx, match.query);
  const create = encodeCreate(match.query, intent);
  return card({
    kind: 'card',
    tone: 'warn',
    text: t('customer.notFound', { query: match.query }),
    buttons: [
      ...pickButtons(suggestions, intent),
      ...(match.query && fitsInButton(create) ? [{ label: t('customer.create', { name: clip(match.query, 40) }), action: 'customer.create' as const, value: create, style: 'primary' as const }] : []),
    ],
  });
}

function pickButtons(customers: Customer[], intent: Intent): Button[] {
  return customers
    .map((c) => ({ label: clip(c.name, 60), action: 'customer.pick' as const, value: encodePick(c.id, intent) }))
    .filter((b) => fitsInButton(b.value))
    .slice(0, 10);
}

/** A typo rarely spoils the first characters: suggest names that share them. */
async function looseSuggestions(ctx: CommandContext, query: string): Promise<Customer[]> {
  const head = [...query].slice(0, Math.min(3, Math.max(1, [...query].length - 1))).join('');
  if (!head) return [];
  return searchCustomers(ctx.em, ctx.actor, head, 5);
}
