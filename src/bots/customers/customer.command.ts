import { clip } from '../../cards/presenters/format';
import { listPoolCustomers } from '../../domain/customers/list-pool-customers';
import { mayPickTierOnForm } from '../../domain/customers/may-pick-tier-on-form';
import { searchCustomers } from '../../domain/customers/search-customers';
import { card, form, type CommandContext, type CommandResult, type Option } from '../pipeline/context';
import { parseCustomerCommand } from './customer.grammar';
import { afterMatch } from './customer-match';
import { customerForm } from './customer.forms';
import { resolveCustomerQuery } from './resolve-customer';
import { runIntent } from './run-intent';

/** `/customer …`: reads and the new-customer form; nothing here writes. */
export async function customerCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const parsed = parseCustomerCommand(text);
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: ctx.t('help.customer') });
    case 'form':
      return form(customerForm(ctx, parsed.name, { tier: await mayPickTierOnForm(ctx.em, ctx.actor) }));
    case 'pool':
      return poolList(ctx, parsed.page ?? 1);
    case 'show':
      return afterMatch(ctx, await resolveCustomerQuery(ctx, parsed.query), { do: 'show' }, (c) => runIntent(ctx, c, { do: 'show' }));
  }
}

const poolPageSize = 8;

export async function poolList(ctx: CommandContext, page: number, replaceOriginal = false): Promise<CommandResult> {
  const { t } = ctx;
  const result = await listPoolCustomers(ctx.em, ctx.actor, { offset: (page - 1) * poolPageSize, limit: poolPageSize });
  if (result.total === 0) return card({ kind: 'card', text: t('customer.poolEmpty') }, replaceOriginal);
  const pages = Math.ceil(result.total / poolPageSize);
  return card(
    {
      kind: 'card',
      header: t('customer.poolHeader'),
      sections: result.items.map((c) => ({
        lines: [`${c.signalFlaggedAt ? '🔥 ' : ''}*${clip(c.name, 80)}*${c.tier ? ` · ${c.tier}` : ''}${c.keyAccount ? ' · ⭐' : ''}${c.region ? ` · ${clip(c.region, 30)}` : ''}${c.industry ? ` · ${clip(c.industry, 30)}` : ''}`],
        buttons: [
          { label: t('customer.claim'), action: 'customer.claim', value: c.id, style: 'primary' },
          { label: t('customer.details'), action: 'customer.open', value: c.id },
        ],
      })),
      pager: {
        label: t('common.page', { page, pages }),
        previous: page > 1 ? { label: t('common.previous'), action: 'customer.pool_page', value: String(page - 1) } : undefined,
        next: page < pages ? { label: t('common.next'), action: 'customer.pool_page', value: String(page + 1) } : undefined,
      },
    },
    replaceOriginal,
  );
}

/** Typeahead for customer pickers: what the user may see, best matches first. */
export async function suggestCustomers(ctx: CommandContext, query: string): Promise<Option[]> {
  if (!query.trim()) return [];
  const customers = await searchCustomers(ctx.em, ctx.actor, query, 20);
  return customers.map((c) => ({ label: clip(`${c.name}${c.ownerId ? '' : ` (${ctx.t('common.pool')})`}`, 75), value: c.id }));
}
