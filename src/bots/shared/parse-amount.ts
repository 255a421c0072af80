import Decimal from 'decimal.js';

/**
 * Money typed in a command: "50000", "50,000", "12500.50", "50k", "1.2m", "5万", "1.5万", "2亿",
 * "¥50000", "$1,200", "€300", "50000USD", "5万元". Exact decimals from the text (decimal.js from
 * strings): a binary float never touches the amount.
 */
export interface ParsedAmount {
  /** Exact decimal with two places, e.g. "50000.00". */
  amount: string;
  /** ISO 4217 code when the token names one ("$" → USD, "¥"/"元" → CNY). */
  currency?: string;
}

/** Upper bound (exclusive), matching the domain's limit on deal amounts. */
export const maxAmount = '1e12';

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

const symbols: Array<[string, string]> = [
  ['US$', 'USD'],
  ['HK$', 'HKD'],
  ['S$', 'SGD'],
  ['A$', 'AUD'],
  ['C$', 'CAD'],
  ['NT$', 'TWD'],
  ['CN¥', 'CNY'],
  ['JP¥', 'JPY'],
  ['RMB', 'CNY'],
  ['$', 'USD'],
  ['¥', 'CNY'], // in this product's market ¥ is the yuan; JPY must be written as JPY/日元
  ['￥', 'CNY'],
  ['€', 'EUR'],
  ['£', 'GBP'],
  ['₩', 'KRW'],
  ['₹', 'INR'],
];

const currencyWords: Record<string, string> = {
  元: 'CNY',
  块: 'CNY',
  块钱: 'CNY',
  人民币: 'CNY',
  人民币元: 'CNY',
  美元: 'USD',
  美金: 'USD',
  欧元: 'EUR',
  英镑: 'GBP',
  日元: 'JPY',
  港币: 'HKD',
  港元: 'HKD',
  新币: 'SGD',
  新加坡元: 'SGD',
  澳元: 'AUD',
  加元: 'CAD',
  韩元: 'KRW',
  台币: 'TWD',
  新台币: 'TWD',
};

/**
 * Codes accepted in any letter case. Other ISO 4217 codes are accepted in capitals only, so that
 * ordinary words that happen to be codes ("all", "top", "try", "pen") stay words in a deal title.
 */
const commonCodes = new Set(['CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'SGD', 'AUD', 'CAD', 'CHF', 'TWD', 'KRW', 'INR', 'NZD', 'SEK', 'NOK', 'DKK', 'THB', 'MYR', 'IDR', 'VND', 'AED', 'SAR', 'BRL', 'MXN', 'RUB', 'ZAR', 'PLN', 'CZK', 'HUF', 'ILS']);
const isoCodes = new Set(Intl.supportedValuesOf('currency'));

/**
 * A currency given as its own token ("USD", "usd", "RMB", "元", "人民币", "美元", "$", "€"), as
 * in `/opp new ACME 50000 USD Pilot`. Returns the ISO code, or null.
 */
export function parseCurrencyToken(token: string): string | null {
  const t = toAscii(token).trim();
  if (!t) return null;
  const word = currencyWords[t];
  if (word) return word;
  const symbol = symbols.find(([s]) => s.toUpperCase() === t.toUpperCase());
  if (symbol) return symbol[1];
  if (!/^[A-Za-z]{3}$/.test(t)) return null;
  const upper = t.toUpperCase();
  if (commonCodes.has(upper)) return upper;
  return t === upper && isoCodes.has(upper) ? upper : null;
}

const scales: Array<[string, string]> = [
  ['千万', '1e7'],
  ['百万', '1e6'],
  ['十万', '1e5'],
  ['万', '1e4'],
  ['亿', '1e8'],
  ['千', '1e3'],
  ['k', '1e3'],
  ['m', '1e6'],
  ['mm', '1e6'], // finance shorthand for million
  ['bn', '1e9'],
  ['b', '1e9'],
  ['w', '1e4'], // Chinese shorthand: 5w = 5万
];

/** Digits with well-formed thousands separators, or plain digits; an optional fraction. */
const numberPattern = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|^\.\d+/;

export function parseAmount(token: string): ParsedAmount | null {
  const t = toAscii(token).trim();
  if (!t || t.length > 40) return null;

  // Prefix: a symbol ("$", "HK$", "¥") or a glued ISO code ("USD50000").
  let rest = t;
  let prefixCurrency: string | null = null;
  const symbol = symbols.find(([s]) => rest.toUpperCase().startsWith(s.toUpperCase()));
  if (symbol) {
    prefixCurrency = symbol[1];
    rest = rest.slice(symbol[0].length);
  } else {
    const code = /^[A-Za-z]{3}(?=[\d.])/.exec(rest);
    if (code) {
      prefixCurrency = parseCurrencyToken(code[0]);
      if (!prefixCurrency) return null;
      rest = rest.slice(3);
    }
  }
  rest = rest.trimStart();

  const num = numberPattern.exec(rest);
  if (!num) return null;
  const digits = num[0].replace(/,/g, '');
  const tail = rest.slice(num[0].length).trim();

  // Tail: nothing, a currency, a scale, or a scale then a currency ("5万元", "50kUSD").
  // Trying "currency only" first keeps "50MYR" from reading as 50 million + "YR".
  let scale = '1';
  let suffixCurrency: string | null = null;
  if (tail) {
    const asCurrency = parseCurrencyToken(tail);
    if (asCurrency) {
      suffixCurrency = asCurrency;
    } else {
      const found = [...scales]
        .sort((a, b) => b[0].length - a[0].length)
        .find(([s]) => tail.toLowerCase().startsWith(s));
      if (!found) return null;
      scale = found[1];
      const after = tail.slice(found[0].length).trim();
      if (after) {
        suffixCurrency = parseCurrencyToken(after);
        if (!suffixCurrency) return null;
      }
    }
  }
  if (prefixCurrency && suffixCurrency && prefixCurrency !== suffixCurrency) return null;

  const value = new D(digits).times(scale);
  if (!value.isFinite() || value.isNegative() || value.decimalPlaces() > 2 || value.greaterThanOrEqualTo(maxAmount)) return null;
  const currency = prefixCurrency ?? suffixCurrency;
  return currency ? { amount: value.toFixed(2), currency } : { amount: value.toFixed(2) };
}

/** Full-width forms as typed on Chinese keyboards ("５００００", "＄") → ASCII; "￥" is kept. */
function toAscii(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
