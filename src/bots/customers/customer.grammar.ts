import { cleanCustomer, is, joinWords, keywords, tokenize, type Token } from '../shared/grammar';

export const customerExamples = { show: '/customer ACME', new: '/customer new', pool: '/customer pool' } as const;

export type CustomerCommand =
  | { kind: 'help' }
  /** `new [name]`: open the form, prefilled with the name when one was given. */
  | { kind: 'form'; name?: string }
  | { kind: 'pool'; page?: number }
  | { kind: 'show'; query: string };

/** `/customer` or `help` → help; `new [name]` → form; `pool [page]` → pool; otherwise show `<query>`. */
export function parseCustomerCommand(text: string): CustomerCommand {
  const tokens = tokenize(text);
  if (tokens.length === 0 || (tokens.length === 1 && is(tokens[0], keywords.help))) return { kind: 'help' };
  if (is(tokens[0], keywords.new)) {
    const name = cleanCustomer(joinWords(tokens.slice(1)));
    return name ? { kind: 'form', name } : { kind: 'form' };
  }
  if (is(tokens[0], keywords.pool)) {
    if (tokens.length === 1) return { kind: 'pool' };
    if (tokens.length === 2 && /^\d{1,6}$/.test(tokens[1]!.text) && Number(tokens[1]!.text) >= 1) return { kind: 'pool', page: Number(tokens[1]!.text) };
  }
  const query = queryOf(tokens);
  return query ? { kind: 'show', query } : { kind: 'help' };
}

/** The whole text as one query; a fully quoted query loses its quotes. */
const queryOf = (tokens: Token[]): string => joinWords(tokens);

