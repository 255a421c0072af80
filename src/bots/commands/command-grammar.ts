import type { Role } from '../../domain/org/user.entity';
import { parseAmount, parseCurrencyToken } from './parse-amount';
import { findWhens, parseWhen, type WhenOptions } from './parse-when';

/**
 * The grammar of the slash commands (and the same verbs typed to the Teams bot), from raw text to
 * a discriminated union. Pure: no database — customer names stay text for the caller to resolve.
 *
 * Words are separated by ASCII or full-width spaces. A customer name may be quoted to keep its
 * spaces and digits together: "ACME Corp", “ACME Corp”, 「华为技术」, 『…』, ‘…’. Keywords have
 * Chinese aliases (计划 plan, 列表 list, 帮助 help, 新建 new, 公海 pool, 团队 team); a quoted word is
 * never a keyword.
 */

/** Examples (English) shown when input is not understood; help texts may reuse them. */
export const examples = {
  visitLog: '/visit ACME met the CFO, wants a quote',
  visitLogQuoted: '/visit "ACME Corp" met the CFO, wants a quote',
  visitPlan: '/visit plan ACME tomorrow 10am pricing review',
  visitPlanQuoted: '/visit plan "ACME Corp" next monday at 3pm pricing review',
  visitPlanZh: '/visit plan 华为 明天下午3点 谈价格',
  visitList: '/visit list',
  visitForm: '/visit',
  customerShow: '/customer ACME',
  customerNew: '/customer new',
  customerPool: '/customer pool',
  oppList: '/opp',
  oppTeam: '/opp team',
  oppShow: '/opp ACME',
  oppNew: '/opp new ACME 50000 Pilot project',
  /** Names with digits or amount-like words ("3M", "Studio 54") must be quoted. */
  oppNewQuoted: '/opp new "3M China" 50k USD Pilot project',
  sfaHelp: '/sfa help',
  adminHelp: '/sfa admin',
  adminUnits: '/sfa admin units',
  adminUsers: '/sfa admin users',
  adminFailures: '/sfa admin failures',
  adminRole: '/sfa admin role @amy manager',
  adminUnit: '/sfa admin unit @amy Sales/East',
  adminManager: '/sfa admin manager Sales/East @li',
  adminUnitCreate: '/sfa admin unit-create Sales/East/Shanghai',
  adminApprovals: '/sfa admin approvals rep 5 manager 15',
} as const;

/** Input we could not act on, with what was understood so the reply can be specific. */
export interface Invalid<Reason extends string, Understood> {
  kind: 'invalid';
  reason: Reason;
  understood?: Understood;
  example: string;
}

// --- tokens ---------------------------------------------------------------------------------------

export interface Token {
  /** The word; for a quoted word, the text inside the quotes (trimmed). */
  text: string;
  quoted: boolean;
  /** Span in the input, quotes included: input.slice(start, end). */
  start: number;
  end: number;
}

const doubleQuotes = '"“”„＂';
const closers: Record<string, string> = { '「': '」', '『': '』', '‘': '’\'', "'": '\'’' };
for (const q of doubleQuotes) closers[q] = doubleQuotes;

/**
 * Splits on whitespace (\s includes the full-width space). A quote that opens a word runs to its
 * closing quote; an unclosed quote is an ordinary character. A Slack mention `<@U1|amy lee>` is one word.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const closing = closers[text[i]!];
    if (closing) {
      let j = i + 1;
      while (j < text.length && !closing.includes(text[j]!)) j++;
      if (j < text.length) {
        tokens.push({ text: text.slice(i + 1, j).trim().replace(/\s+/g, ' '), quoted: true, start: i, end: j + 1 });
        i = j + 1;
        continue;
      }
    }
    let j = i;
    if (text[i] === '<' && text.indexOf('>', i) > i) j = text.indexOf('>', i) + 1;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    tokens.push({ text: text.slice(i, j), quoted: false, start: i, end: j });
    i = j;
  }
  return tokens;
}

const keywords = {
  help: ['help', '帮助', '?', '？'],
  list: ['list', '列表'],
  plan: ['plan', '计划'],
  new: ['new', '新建'],
  pool: ['pool', '公海'],
  team: ['team', '团队'],
  mine: ['mine', 'my', '我的'],
  admin: ['admin', '管理'],
  remind: ['remind', 'reminder', '提醒'],
} as const;

const is = (token: Token | undefined, aliases: readonly string[]): boolean => !!token && !token.quoted && aliases.includes(token.text.toLowerCase());

/**
 * A Chinese keyword typed without a space before the rest ("计划华为明天下午3点") → the rest. Only
 * Chinese aliases: in Chinese text nobody types the space, in English "planning" is a word.
 */
function gluedKeyword(text: string, aliases: readonly string[]): string | null {
  const t = text.trimStart();
  const alias = aliases.find((a) => /^[\u3400-\u9fff]/.test(a) && t.startsWith(a) && t.length > a.length && !/\s/.test(t[a.length]!));
  return alias ? t.slice(alias.length) : null;
}

/** What follows the first token, as typed. */
const afterFirst = (text: string, tokens: Token[]): string => text.slice(tokens[0]!.end);

const joinWords = (tokens: Token[]): string => tokens.map((t) => t.text).join(' ');

// --- /visit ----------------------------------------------------------------------------------------

export type VisitInvalidReason = 'missing_customer' | 'missing_when';

export type VisitCommand =
  | { kind: 'form' }
  | { kind: 'help' }
  | { kind: 'list' }
  /** `remind 15`: reminders this many minutes before each visit; `remind` alone shows the setting. */
  | { kind: 'remind'; minutes?: number }
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

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

function parseVisitPlan(rest: string, opts: Pick<WhenOptions, 'timezone' | 'now' | 'locale'>): VisitCommand {
  const example = examples.visitPlan;
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

// No '.': names end in "Inc." and "Co.".
const edgePunctuation = '[\\s,，、:：;；\\-–—]';

function cleanCustomer(text: string): string {
  return text
    .replace(new RegExp(`${edgePunctuation}+$`), '')
    .replace(/\s+(?:at|on|@)$/i, '')
    .replace(new RegExp(`^${edgePunctuation}+|${edgePunctuation}+$`, 'g'), '')
    .replace(/\s+/g, ' ');
}

function cleanPurpose(text: string): string {
  return text.replace(new RegExp(`^${edgePunctuation}+|\\s+$`, 'g'), '').replace(/\s+/g, ' ');
}

// --- /customer -------------------------------------------------------------------------------------

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

// --- /opp --------------------------------------------------------------------------------------------

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
  const example = examples.oppNew;
  const tokens = tokenize(rest);
  if (tokens.length === 0) return { kind: 'invalid', reason: 'missing_customer', example };

  let customerEnd: number; // tokens[0..customerEnd) name the customer
  let amountAt: number;
  if (tokens[0]!.quoted) {
    customerEnd = 1;
    const hasCurrencyFirst = tokens[1] && !tokens[1].quoted && parseCurrencyToken(tokens[1].text) && tokens[2] && parseAmount(tokens[2].text);
    amountAt = hasCurrencyFirst ? 2 : 1;
    if (!tokens[0]!.text) return { kind: 'invalid', reason: 'missing_customer', example: examples.oppNewQuoted };
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

// --- /sfa --------------------------------------------------------------------------------------------

export type SfaInvalidReason = 'unknown_command' | 'missing_user' | 'bad_user' | 'bad_role' | 'missing_unit';

export type SfaCommand =
  | { kind: 'help' }
  | { kind: 'admin_help' }
  | { kind: 'admin_units' }
  | { kind: 'admin_users' }
  | { kind: 'admin_failures' }
  /** Show (no numbers) or set the extra-discount limits in percent. */
  | { kind: 'admin_approvals'; rep?: string; manager?: string; repTotal?: string; managerTotal?: string }
  | { kind: 'admin_role'; user: string; role: Role }
  | { kind: 'admin_unit'; user: string; unit: string }
  | { kind: 'admin_manager'; unit: string; user: string }
  | { kind: 'admin_unit_create'; unit: string }
  | Invalid<SfaInvalidReason, { user?: string; unit?: string; role?: Role }>;

const roleAliases: Record<Role, readonly string[]> = {
  rep: ['rep', 'sales', '销售', '代表'],
  manager: ['manager', 'mgr', '经理', '主管'],
  admin: ['admin', '管理员'],
};

/**
 * A user reference: a Slack mention `<@U123|amy>` / `<@U123>` → "U123"; an email as typed; a Teams
 * AAD object id (GUID). Anything else (a plain "@amy", which Slack only escapes when the command is
 * set to) is null.
 */
export function userRef(word: string | undefined): string | null {
  if (!word) return null;
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (mention) return mention[1]!;
  if (/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/.test(word)) return word;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(word)) return word;
  return null;
}

/**
 * `/sfa` or `help` → help; `admin [help]`; `admin units`; `admin users`; `admin role <user> <rep|manager|admin>`;
 * `admin unit <user> <Path/To/Unit>`; `admin manager <Path/To/Unit> <user>`; `admin unit-create <Path>`.
 * Unit paths are returned as typed (quotes removed); the caller normalises slashes and spaces.
 */
export function parseSfaCommand(text: string): SfaCommand {
  const tokens = tokenize(text);
  if (tokens.length === 0 || is(tokens[0], keywords.help)) return { kind: 'help' };
  if (!is(tokens[0], keywords.admin)) return { kind: 'invalid', reason: 'unknown_command', example: examples.sfaHelp };
  const verb = tokens[1];
  const args = tokens.slice(2);
  const argText = (from: Token[]) => (from.length === 1 && from[0]!.quoted ? from[0]!.text : from.length ? text.slice(from[0]!.start, from.at(-1)!.end).trim() : '');
  if (!verb || is(verb, keywords.help)) return { kind: 'admin_help' };
  const v = verb.quoted ? '' : verb.text.toLowerCase();

  if (v === 'units') return { kind: 'admin_units' };
  if (v === 'users') return { kind: 'admin_users' };
  if (v === 'failures') return { kind: 'admin_failures' };
  if (v === 'approvals' || v === '审批') {
    const limits: { rep?: string; manager?: string; repTotal?: string; managerTotal?: string } = {};
    for (let i = 0; i < args.length; i += 2) {
      const key = args[i]!.text.toLowerCase();
      const text = (args[i + 1]?.text ?? '').replace(/,/g, '');
      const percent = /^(\d{1,3}(?:\.\d{1,3})?)%?$/.exec(text)?.[1];
      const amount = /^(\d{1,14}(?:\.\d{1,2})?)$/.exec(text)?.[1];
      if ((key === 'rep' || key === 'manager') && percent) limits[key] = percent;
      else if (key === 'rep-total' && amount) limits.repTotal = amount;
      else if (key === 'manager-total' && amount) limits.managerTotal = amount;
      else return { kind: 'invalid', reason: 'unknown_command', example: examples.adminApprovals };
    }
    return { kind: 'admin_approvals', ...limits };
  }
  if (v === 'role') {
    const example = examples.adminRole;
    if (!args[0]) return { kind: 'invalid', reason: 'missing_user', example };
    const user = userRef(args[0].text);
    if (!user) return { kind: 'invalid', reason: 'bad_user', example };
    const role = (Object.keys(roleAliases) as Role[]).find((r) => args.length === 2 && roleAliases[r].includes(args[1]!.text.toLowerCase()));
    if (!role) return { kind: 'invalid', reason: 'bad_role', understood: { user }, example };
    return { kind: 'admin_role', user, role };
  }
  if (v === 'unit') {
    const example = examples.adminUnit;
    if (!args[0]) return { kind: 'invalid', reason: 'missing_user', example };
    const user = userRef(args[0].text);
    if (!user) return { kind: 'invalid', reason: 'bad_user', example };
    const unit = argText(args.slice(1));
    if (!unit) return { kind: 'invalid', reason: 'missing_unit', understood: { user }, example };
    return { kind: 'admin_unit', user, unit };
  }
  if (v === 'manager') {
    const example = examples.adminManager;
    if (args.length === 0) return { kind: 'invalid', reason: 'missing_unit', example };
    const last = args.at(-1)!;
    const user = userRef(last.text);
    const unit = argText(args.slice(0, -1));
    if (!user) {
      // "manager Sales/East" (no user yet) vs "manager Sales/East amy" (not a user reference)
      return args.length === 1 && !/^<@/.test(last.text) ? { kind: 'invalid', reason: 'missing_user', understood: { unit: argText(args) }, example } : { kind: 'invalid', reason: 'bad_user', understood: unit ? { unit } : undefined, example };
    }
    if (!unit) return { kind: 'invalid', reason: 'missing_unit', understood: { user }, example };
    return { kind: 'admin_manager', unit, user };
  }
  if (v === 'unit-create' || v === 'unit_create' || v === 'create-unit') {
    const unit = argText(args);
    if (!unit) return { kind: 'invalid', reason: 'missing_unit', example: examples.adminUnitCreate };
    return { kind: 'admin_unit_create', unit };
  }
  return { kind: 'invalid', reason: 'unknown_command', example: examples.adminHelp };
}
