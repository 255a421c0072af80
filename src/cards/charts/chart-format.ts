/**
 * Short money for axis ticks and legends, the reader's way: zh-CN counts in 万 and 亿 (¥1.2万,
 * ¥1.23亿), en in K, M and B ($12K, $1.25M). CLDR's compact notation knows these units, so Intl
 * does it. The narrow symbol keeps "CN¥"/"US$" off a crowded axis; the axis title names the
 * currency. Three significant digits keep neighbouring ticks (¥12.5万, ¥15万) apart.
 */
export function compactMoney(value: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    maximumSignificantDigits: 3,
  }).format(value);
}

/** "12 deals" / "1 deal" / "12 个": the chart model carries no word for deals, so the locale decides. */
export function dealCount(count: number, locale: string): string {
  const n = new Intl.NumberFormat(locale).format(count);
  if (locale.startsWith('zh')) return `${n} 个`;
  return new Intl.PluralRules(locale).select(count) === 'one' ? `${n} deal` : `${n} deals`;
}

/** A share (0..1) as a whole percent; 0 when there is nothing to share. */
export function wholePercent(part: number, total: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(total > 0 ? part / total : 0);
}

/**
 * A long name broken at spaces into lines of about `width` characters (chart.js draws an array as
 * lines): rotated one-line names on a crowded axis start under the neighbouring bar.
 */
export function wrapWords(text: string, width: number): string | string[] {
  const lines = text.split(' ').reduce<string[]>((acc, word) => {
    const last = acc.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) acc[acc.length - 1] = `${last} ${word}`;
    else acc.push(word);
    return acc;
  }, []);
  return lines.length > 1 ? lines : text;
}
