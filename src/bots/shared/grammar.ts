/**
 * What every command grammar shares: words and quotes, keywords with Chinese aliases, and the
 * trimming of names and free text. Grammars are pure: no database, customer names stay text for
 * the caller to resolve.
 *
 * Words are separated by ASCII or full-width spaces. A customer name may be quoted to keep its
 * spaces and digits together: "ACME Corp", “ACME Corp”, 「华为技术」, 『…』, ‘…’. Keywords have
 * Chinese aliases (计划 plan, 列表 list, 帮助 help, 新建 new, 公海 pool, 团队 team); a quoted word is
 * never a keyword.
 */

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

export const keywords = {
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

export const is = (token: Token | undefined, aliases: readonly string[]): boolean => !!token && !token.quoted && aliases.includes(token.text.toLowerCase());

/**
 * A Chinese keyword typed without a space before the rest ("计划华为明天下午3点") → the rest. Only
 * Chinese aliases: in Chinese text nobody types the space, in English "planning" is a word.
 */
export function gluedKeyword(text: string, aliases: readonly string[]): string | null {
  const t = text.trimStart();
  const alias = aliases.find((a) => /^[\u3400-\u9fff]/.test(a) && t.startsWith(a) && t.length > a.length && !/\s/.test(t[a.length]!));
  return alias ? t.slice(alias.length) : null;
}

/** What follows the first token, as typed. */
export const afterFirst = (text: string, tokens: Token[]): string => text.slice(tokens[0]!.end);

export const joinWords = (tokens: Token[]): string => tokens.map((t) => t.text).join(' ');

export const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

// No '.': names end in "Inc." and "Co.".
const edgePunctuation = '[\\s,，、:：;；\\-–—]';

export function cleanCustomer(text: string): string {
  return text
    .replace(new RegExp(`${edgePunctuation}+$`), '')
    .replace(/\s+(?:at|on|@)$/i, '')
    .replace(new RegExp(`^${edgePunctuation}+|${edgePunctuation}+$`, 'g'), '')
    .replace(/\s+/g, ' ');
}

export function cleanPurpose(text: string): string {
  return text.replace(new RegExp(`^${edgePunctuation}+|\\s+$`, 'g'), '').replace(/\s+/g, ' ');
}

