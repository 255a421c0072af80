import { findCustomersByName } from '../../domain/customers/find-customers-by-name';
import { searchCustomers } from '../../domain/customers/search-customers';
import { searchNameOf } from '../../domain/customers/customer-access';
import type { Customer } from '../../domain/customers/customer.entity';
import type { CommandContext } from '../pipeline/context';

export type CustomerMatch =
  | { kind: 'one'; customer: Customer; rest: string }
  | { kind: 'many'; candidates: Customer[]; query: string; rest: string }
  | { kind: 'none'; query: string; rest: string };

const maxNameWords = 6;

/**
 * Finds the customer a command names. Names have spaces ("ACME Corp met the CFO"), so the longest
 * run of leading words that is exactly a customer's name wins; failing that, the first word is a
 * partial name ("acme met the CFO"). `rest` is what follows the name (notes, a time, a title).
 */
export async function resolveCustomer(ctx: Pick<CommandContext, 'em' | 'actor'>, words: string[], quoted?: string): Promise<CustomerMatch> {
  if (quoted !== undefined) {
    return fromQuery(ctx, quoted, words.join(' '));
  }
  if (words.length === 0) return { kind: 'none', query: '', rest: '' };
  const leading = Array.from({ length: Math.min(maxNameWords, words.length) }, (_, i) => words.slice(0, i + 1).join(' '));
  const named = await findCustomersByName(ctx.em, ctx.actor, leading);
  for (let n = leading.length; n >= 1; n--) {
    const name = searchNameOf(leading[n - 1]!);
    const exact = named.filter((c) => c.searchName === name);
    if (exact.length === 1) return { kind: 'one', customer: exact[0]!, rest: words.slice(n).join(' ') };
    if (exact.length > 1) return { kind: 'many', candidates: exact.slice(0, 10), query: leading[n - 1]!, rest: words.slice(n).join(' ') };
  }
  return classify(await searchCustomers(ctx.em, ctx.actor, words[0]!, 25), words[0]!, words.slice(1).join(' '));
}

/** The whole text is the query (`/customer ACME Corp`). */
export async function resolveCustomerQuery(ctx: Pick<CommandContext, 'em' | 'actor'>, query: string): Promise<CustomerMatch> {
  return fromQuery(ctx, query, '');
}

async function fromQuery(ctx: Pick<CommandContext, 'em' | 'actor'>, query: string, rest: string): Promise<CustomerMatch> {
  const candidates = await searchCustomers(ctx.em, ctx.actor, query, 25);
  const exact = candidates.filter((c) => c.searchName === searchNameOf(query));
  if (exact.length === 1) return { kind: 'one', customer: exact[0]!, rest };
  return classify(exact.length > 1 ? exact : candidates, query, rest);
}

function classify(candidates: Customer[], query: string, rest: string): CustomerMatch {
  if (candidates.length === 1) return { kind: 'one', customer: candidates[0]!, rest };
  if (candidates.length === 0) return { kind: 'none', query, rest };
  return { kind: 'many', candidates: candidates.slice(0, 10), query, rest };
}
