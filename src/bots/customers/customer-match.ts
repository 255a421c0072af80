import { clip } from '../../cards/presenters/format';
import type { Button } from '../../cards/reply-model';
import type { Customer } from '../../domain/customers/customer.entity';
import { searchCustomers } from '../../domain/customers/search-customers';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import { encodeCreate, encodePick, fitsInButton, type Intent } from './intent';
import type { CustomerMatch } from './resolve-customer';

/**
 * One customer: do it. Several: buttons to pick, each carrying what to do. None: similar names
 * and a create button. The buttons finish the job in one click (see customer.actions).
 */
export async function afterMatch(ctx: CommandContext, match: CustomerMatch, intent: Intent, then: (customer: Customer) => Promise<CommandResult>): Promise<CommandResult> {
  const { t } = ctx;
  if (match.kind === 'one') return then(match.customer);
  if (match.kind === 'many') return card({ kind: 'card', tone: 'info', text: t('customer.pick', { query: clip(match.query, 100) }), buttons: pickButtons(match.candidates, intent) });
  const suggestions = await looseSuggestions(ctx, match.query);
  const create = encodeCreate(match.query, intent);
  return card({
    kind: 'card',
    tone: 'warn',
    text: t('customer.notFound', { query: clip(match.query, 100) }),
    buttons: [
      ...pickButtons(suggestions, intent),
      ...(match.query && fitsInButton(create) ? [{ label: t('customer.create', { name: clip(match.query, 40) }), action: 'customer.create' as const, value: create, style: 'primary' as const }] : []),
    ],
  });
}

export function pickButtons(customers: Array<{ id: string; name: string }>, intent: Intent): Button[] {
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
