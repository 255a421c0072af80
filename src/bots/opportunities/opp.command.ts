import { clip } from '../../cards/presenters/format';
import { opportunityLine } from '../../cards/presenters/opportunity-card';
import type { Customer } from '../../domain/customers/customer.entity';
import { listCustomerOpportunities } from '../../domain/opportunities/list-customer-opportunities';
import { getDealGuide } from '../../domain/opportunities/get-deal-guide';
import { listOpenOpportunities } from '../../domain/opportunities/list-open-opportunities';
import { afterMatch } from '../customers/customer-match';
import { resolveCustomerQuery } from '../customers/resolve-customer';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import { parseOppCommand } from './opp.grammar';
import { createOppFor } from './opp.intents';

/** `/opp new …` writes (the worker runs it); lists and a customer's deals read. */
export const oppWrites = (text: string): 'queued' | false => (parseOppCommand(text).kind === 'new' ? 'queued' : false);

export async function oppCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t } = ctx;
  const parsed = parseOppCommand(text);
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: t('help.opp') });
    case 'list':
      return oppList(ctx, parsed.whose, 1);
    case 'new': {
      const deal = { amount: parsed.amount, currency: parsed.currency, title: parsed.title };
      return afterMatch(ctx, await resolveCustomerQuery(ctx, parsed.customer), { do: 'opp', ...deal }, (c) => createOppFor(ctx, c, deal));
    }
    case 'show': {
      const match = await resolveCustomerQuery(ctx, parsed.query);
      return afterMatch(ctx, match, { do: 'show' }, (c) => customerOpps(ctx, c));
    }
    case 'invalid': {
      const customer = parsed.understood?.customer;
      if (parsed.reason === 'missing_amount' && customer) return card({ kind: 'card', tone: 'warn', text: t('opp.missingAmount', { customer: clip(customer, 100), example: t('examples.oppNew') }) });
      if (parsed.reason === 'missing_title') return card({ kind: 'card', tone: 'warn', text: t('opp.missingTitle', { example: t('examples.oppNew') }) });
      return card({ kind: 'card', tone: 'warn', text: t('help.opp') });
    }
  }
}

const pageSize = 8;

export async function oppList(ctx: CommandContext, asked: 'mine' | 'team', page: number, replaceOriginal = false): Promise<CommandResult> {
  const { t } = ctx;
  // A rep's team view would be their own deals under a team heading: say so, and show theirs.
  const whose = asked === 'team' && ctx.user.role === 'rep' ? 'mine' : asked;
  const { items, total } = await listOpenOpportunities(ctx.em, ctx.actor, { whose, offset: (page - 1) * pageSize, limit: pageSize });
  if (total === 0) return card({ kind: 'card', text: t('opp.listEmpty') }, replaceOriginal);
  const pages = Math.ceil(total / pageSize);
  // By priority (score, then amount, then close date); each line leads with its priority.
  const guide = await getDealGuide(ctx.em, ctx.tenant.id);
  return card(
    {
      kind: 'card',
      header: t(whose === 'team' ? 'opp.teamListHeader' : 'opp.listHeader'),
      ...(whose !== asked ? { context: [t('opp.teamIsForManagers')] } : {}),
      sections: items.map(({ opportunity, customerName }) => ({ lines: [opportunityLine(opportunity, customerName, ctx, guide)], buttons: [{ label: t('customer.details'), action: 'opp.open', value: opportunity.id }] })),
      pager: {
        label: t('common.page', { page, pages }),
        previous: page > 1 ? { label: t('common.previous'), action: 'opp.list_page', value: `${whose}|${page - 1}` } : undefined,
        next: page < pages ? { label: t('common.next'), action: 'opp.list_page', value: `${whose}|${page + 1}` } : undefined,
      },
    },
    replaceOriginal,
  );
}

async function customerOpps(ctx: CommandContext, customer: Customer): Promise<CommandResult> {
  const deals = await listCustomerOpportunities(ctx.em, ctx.actor, customer.id, 10);
  if (deals.length === 0) return card({ kind: 'card', text: `${customer.name}: ${ctx.t('customer.noOpps')}`, buttons: [{ label: ctx.t('customer.newOpp'), action: 'opp.new_for', value: customer.id }] });
  return card({
    kind: 'card',
    header: customer.name,
    sections: deals.map((o) => ({ lines: [opportunityLine(o, customer.name, ctx)], buttons: [{ label: ctx.t('customer.details'), action: 'opp.open', value: o.id }] })),
  });
}
