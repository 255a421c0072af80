import { afterFirst, cleanPurpose, gluedKeyword, is, joinWords, keywords, tokenize, type Invalid, type Token } from '../shared/grammar';
import { parseAmount, parseCurrencyToken } from '../shared/parse-amount';

export const oppExamples = {
  list: '/opp',
  team: '/opp team',
  show: '/opp ACME',
  new: '/opp new ACME 50000 Pilot project',
  /** Names with digits or amount-like words ("3M", "Studio 54") must be quoted. */
  newQuoted: '/opp new "3M China" 50k USD Pilot project',
} as const;

export type OppInvalidReason = 'missing_customer' | 'missing_amount' | 'missing_title' | 'conflicting_currency';

export type OppCommand =
  | { kind: 'help' }
  | { kind: 'list'; whose: 'mine' | 'team' }
  | { kind: 'new'; customer: string; amount: string; currency?: string; title: string }
  | { kind: 'show'; query: string }
  | Invalid<OppInvalidReason, { customer?: string; amount?: string; currency?: string }>;

/**
 * `/opp` (or `mine`) → my list; `team`; `help`; `new <customer> <amount> [currency] <title>`;
 * otherwise the deals of customer `<query>`. The amount is the first word after at least one
 * customer word that reads as an amount, so a name with an amount-like word ("Foo 3M Division")
 * must be quoted. A currency may also stand just before the amount (`ACME USD 50000 Pilot`).
 */
export function parseOppCommand(text: string): OppCommand {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'list', whose: 'mine' };
  if (tokens.length === 1 && is(tokens[0], keywords.help)) return { kind: 'help' };
  if (tokens.length === 1 && is(tokens[0], keywords.mine)) return { kind: 'list', whose: 'mine' };
  if (tokens.length === 1 && is(tokens[0], keywords.team)) return { kind: 'list', whose: 'team' };
  if (is(tokens[0], keywords.new)) return parseOppNew(afterFirst(text, tokens));
  const glued = gluedKeyword(text, keywords.new);
  if (glued !== null) {
    // "新建材料公司" is more likely a customer than "new 材料公司" with nothing else.
    const created = parseOppNew(glued);
    if (created.kind === 'new') return created;
  }
  const query = queryOf(tokens);
  return query ? { kind: 'show', query } : { kind: 'list', whose: 'mine' };
}

function parseOppNew(rest: string): OppCommand {
  const example = oppExamples.new;
  const tokens = tokenize(rest);
  if (tokens.length === 0) return { kind: 'invalid', reason: 'missing_customer', example };

  let customerEnd: number; // tokens[0..customerEnd) name the customer
  let amountAt: number;
  if (tokens[0]!.quoted) {
    customerEnd = 1;
    const hasCurrencyFirst = tokens[1] && !tokens[1].quoted && parseCurrencyToken(tokens[1].text) && tokens[2] && parseAmount(tokens[2].text);
    amountAt = hasCurrencyFirst ? 2 : 1;
    if (!tokens[0]!.text) return { kind: 'invalid', reason: 'missing_customer', example: oppExamples.newQuoted };
    if (!tokens[amountAt] || tokens[amountAt]!.quoted || !parseAmount(tokens[amountAt]!.text)) {
      return { kind: 'invalid', reason: 'missing_amount', understood: { customer: tokens[0]!.text }, example };
    }
  } else {
    amountAt = tokens.findIndex((t, i) => i >= 1 && !t.quoted && parseAmount(t.text) !== null);
    if (amountAt < 0) {
      const leading = parseAmount(tokens[0]!.text);
      if (leading) return { kind: 'invalid', reason: 'missing_customer', understood: { amount: leading.amount, currency: leading.currency }, example };
      return { kind: 'invalid', reason: 'missing_amount', understood: { customer: joinWords(tokens) }, example };
    }
    customerEnd = amountAt;
  }

  const parsed = parseAmount(tokens[amountAt]!.text)!;
  const currencies: string[] = parsed.currency ? [parsed.currency] : [];
  // A currency word just before the amount ("ACME USD 50000"), if a customer word remains before it.
  const before = tokens[amountAt - 1];
  if (amountAt - 1 >= 1 && before && !before.quoted && parseCurrencyToken(before.text)) {
    currencies.push(parseCurrencyToken(before.text)!);
    if (!tokens[0]!.quoted) customerEnd = amountAt - 1;
  }
  let titleAt = amountAt + 1;
  const next = tokens[titleAt];
  if (next && !next.quoted && parseCurrencyToken(next.text)) {
    currencies.push(parseCurrencyToken(next.text)!);
    titleAt += 1;
  }
  const customer = tokens[0]!.quoted ? tokens[0]!.text : joinWords(tokens.slice(0, customerEnd));
  const currency = currencies[0];
  if (currencies.some((c) => c !== currency)) {
    return { kind: 'invalid', reason: 'conflicting_currency', understood: { customer, amount: parsed.amount }, example };
  }
  const titleTokens = tokens.slice(titleAt);
  const title = titleTokens.length === 1 && titleTokens[0]!.quoted ? titleTokens[0]!.text : titleTokens.length ? cleanPurpose(rest.slice(titleTokens[0]!.start)) : '';
  const understood = { customer, amount: parsed.amount, ...(currency ? { currency } : {}) };
  if (!title) return { kind: 'invalid', reason: 'missing_title', understood, example };
  return { kind: 'new', ...understood, title };
}


const queryOf = (tokens: Token[]): string => joinWords(tokens);
