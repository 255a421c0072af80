import { DateTime } from 'luxon';

/** Money from its exact decimal string; Intl formats strings without going through a float. */
export function formatMoney(amount: string, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-US', { style: 'currency', currency, maximumFractionDigits: 2 });
  return format.format(amount as unknown as number);
}

export function formatDateTime(date: Date, timezone: string, locale: string): string {
  const dt = DateTime.fromJSDate(date, { zone: timezone });
  return locale === 'zh-CN' ? dt.setLocale('zh-CN').toFormat('M月d日 ccc HH:mm') : dt.setLocale('en-GB').toFormat('ccc d LLL, HH:mm');
}

export function formatDate(isoDate: string, locale: string): string {
  const dt = DateTime.fromISO(isoDate);
  return locale === 'zh-CN' ? dt.setLocale('zh-CN').toFormat('yyyy年M月d日') : dt.setLocale('en-GB').toFormat('d LLL yyyy');
}

/** Keeps a line phone-sized: one line, at most `max` characters. */
export function clip(text: string | null | undefined, max = 120): string {
  const line = (text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** ▁▂▃▅▇ from counts, so a trend fits in one line of text on any platform. */
export function sparkline(counts: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(...counts, 1);
  return counts.map((c) => bars[Math.min(bars.length - 1, Math.round((c / max) * (bars.length - 1)))]).join('');
}
