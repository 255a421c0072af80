import { afterFirst, cleanCustomer, cleanPurpose, gluedKeyword, is, keywords, tokenize, words, type Invalid } from '../shared/grammar';
import { findWhens, parseWhen, type WhenOptions } from '../shared/parse-when';

/** Examples (English) shown when input is not understood; help texts may reuse them. */
export const visitExamples = {
  log: '/visit ACME met the CFO, wants a quote',
  logQuoted: '/visit "ACME Corp" met the CFO, wants a quote',
  plan: '/visit plan ACME tomorrow 10am pricing review',
  planQuoted: '/visit plan "ACME Corp" next monday at 3pm pricing review',
  planZh: '/visit plan 华为 明天下午3点 谈价格',
  list: '/visit list',
  form: '/visit',
} as const;

export type VisitInvalidReason = 'missing_customer' | 'missing_when';

export type VisitCommand =
  | { kind: 'form' }
  | { kind: 'help' }
  | { kind: 'list' }
  /** `remind 15`: reminders this many minutes before each visit; `remind` alone shows the setting. */
  | { kind: 'remind'; minutes?: number; unreadable?: string }
  | { kind: 'plan'; customer: string; when: Date; whenText: string; purpose?: string }
  | {
      kind: 'log';
      /** Present when the name was quoted; then `words` are the words after it. */
      customer?: string;
      /** Without a quoted name: every word, so the caller can find the longest prefix naming a customer. */
      words: string[];
      /** The whole command text, trimmed. */
      text: string;
    }
  | Invalid<VisitInvalidReason, { customer?: string; when?: Date; whenText?: string }>;

/**
 * `/visit` → form; `help`; `list`; `plan <customer> <when> [purpose]`; otherwise `<customer> <notes>`.
 * Bare `plan` is `missing_when` with nothing understood (the caller opens the plan form).
 */
export function parseVisitCommand(text: string, opts: Pick<WhenOptions, 'timezone' | 'now' | 'locale'>): VisitCommand {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { kind: 'form' };
  if (tokens.length === 1 && is(tokens[0], keywords.help)) return { kind: 'help' };
  if (tokens.length === 1 && is(tokens[0], keywords.list)) return { kind: 'list' };
  if (is(tokens[0], keywords.remind) && tokens.length <= 2) {
    const minutes = /^(\d{1,4})(?:m|min|mins|minutes|分钟)?$/i.exec(tokens[1]?.text ?? '');
    if (tokens.length === 1) return { kind: 'remind' };
    if (minutes) return { kind: 'remind', minutes: Number(minutes[1]) };
    // "remind abc", "remind 100000": a setting that could not be read, not a customer called "remind".
    return { kind: 'remind', unreadable: tokens[1]!.text };
  }
  if (is(tokens[0], keywords.plan)) return parseVisitPlan(afterFirst(text, tokens), opts);
  const glued = gluedKeyword(text, keywords.plan);
  if (glued !== null) {
    // "计划生育办公室 …" may be a customer: only a complete plan counts as one.
    const plan = parseVisitPlan(glued, opts);
    if (plan.kind === 'plan') return plan;
  }
  const trimmed = text.trim();
  if (tokens[0]!.quoted && tokens[0]!.text) {
    return { kind: 'log', customer: tokens[0]!.text, words: words(afterFirst(text, tokens)), text: trimmed };
  }
  return { kind: 'log', words: words(tokens[0]!.quoted ? afterFirst(text, tokens) : trimmed), text: trimmed };
}


function parseVisitPlan(rest: string, opts: Pick<WhenOptions, 'timezone' | 'now' | 'locale'>): VisitCommand {
  const example = visitExamples.plan;
  const tokens = tokenize(rest);
  if (tokens.length === 0 || !cleanCustomer(rest)) return { kind: 'invalid', reason: 'missing_when', example };

  if (tokens[0]!.quoted) {
    const customer = tokens[0]!.text;
    const after = afterFirst(rest, tokens);
    const when = parseWhen(after, opts);
    if (!customer) {
      return { kind: 'invalid', reason: 'missing_customer', understood: when ? { when: when.date, whenText: when.matched } : undefined, example };
    }
    if (!when) return { kind: 'invalid', reason: 'missing_when', understood: { customer }, example };
    const purpose = [after.slice(0, when.index), after.slice(when.index + when.matched.length)].map(cleanPurpose).filter(Boolean).join(' ');
    return { kind: 'plan', customer, when: when.date, whenText: when.matched, ...(purpose ? { purpose } : {}) };
  }

  // The customer is whatever comes before the time. A match with nothing before it cannot be the
  // time ("Sunday Foods tomorrow 3pm": "Sunday" is part of the name), so try the next one.
  const whens = findWhens(rest, opts);
  for (const when of whens) {
    const customer = cleanCustomer(rest.slice(0, when.index));
    if (!customer) continue;
    const purpose = cleanPurpose(rest.slice(when.index + when.matched.length));
    return { kind: 'plan', customer, when: when.date, whenText: when.matched, ...(purpose ? { purpose } : {}) };
  }
  if (whens.length > 0) return { kind: 'invalid', reason: 'missing_customer', understood: { when: whens[0]!.date, whenText: whens[0]!.matched }, example };
  return { kind: 'invalid', reason: 'missing_when', understood: { customer: cleanCustomer(rest) }, example };
}

