import { tokenize } from '../shared/grammar';

export type QuoteCommand =
  | { kind: 'help' }
  | { kind: 'show'; number: string }
  | { kind: 'create'; customer: string; lines: Array<{ quantity: number; sku: string }>; extraPercentOff?: string }
  | { kind: 'invalid'; reason: 'missing_customer' | 'missing_lines' | 'bad_discount'; text?: string };

export const quoteExample = '/quote ACME 10 x SKU-1 discount 5%';

const discountWords = ['discount', 'disc', 'off', '折扣', '优惠'];
const times = ['x', 'X', '×', '*'];

/**
 * `/quote <customer> <qty> x <sku> [<qty> x <sku> …] [discount <n>%]` ("10 x SKU-1", "10x SKU-1",
 * "10×SKU-1" all work; `折扣 5%` too), or `/quote Q-2026-0001` to show one. The customer is every
 * word before the first quantity.
 */
export function parseQuoteCommand(text: string): QuoteCommand {
  const tokens = tokenize(text);
  if (tokens.length === 0 || (tokens.length === 1 && ['help', '帮助', '?'].includes(tokens[0]!.text.toLowerCase()))) return { kind: 'help' };
  if (tokens.length === 1 && /^Q-\d{4}-\d{1,6}$/i.test(tokens[0]!.text)) return { kind: 'show', number: tokens[0]!.text.toUpperCase() };
  const words = tokens.map((t) => t.text);
  const lines: Array<{ quantity: number; sku: string }> = [];
  const customer: string[] = [];
  let extraPercentOff: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const glued = /^(\d{1,7})[xX×*](\S+)$/.exec(word);
    const qtyX = /^(\d{1,7})[xX×*]$/.exec(word);
    if (glued && !tokens[i]!.quoted) {
      lines.push({ quantity: Number(glued[1]), sku: glued[2]! });
    } else if (qtyX && words[i + 1]) {
      lines.push({ quantity: Number(qtyX[1]), sku: words[++i]! });
    } else if (/^\d{1,7}$/.test(word) && times.includes(words[i + 1] ?? '') && words[i + 2]) {
      lines.push({ quantity: Number(word), sku: words[i + 2]! });
      i += 2;
    } else if (discountWords.includes(word.toLowerCase()) || /^\d+(\.\d+)?%$/.test(word)) {
      const value = /^\d+(\.\d+)?%$/.test(word) ? word : words[++i];
      const m = /^(\d{1,3}(?:\.\d{1,3})?)%?$/.exec(value ?? '');
      if (!m) return { kind: 'invalid', reason: 'bad_discount', text: value ?? '' };
      extraPercentOff = m[1]!;
      if (words[i + 1]?.toLowerCase() === 'off') i++;
    } else if (lines.length === 0) {
      customer.push(word);
    } else {
      return { kind: 'invalid', reason: 'missing_lines', text: word };
    }
  }
  if (customer.length === 0) return { kind: 'invalid', reason: 'missing_customer' };
  if (lines.length === 0) return { kind: 'invalid', reason: 'missing_lines' };
  return { kind: 'create', customer: customer.join(' '), lines, ...(extraPercentOff ? { extraPercentOff } : {}) };
}
