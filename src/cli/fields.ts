import { IANAZone } from 'luxon';
import type { Locale } from '../domain/org/user.entity';

/** en, en-US, EN_gb → en; zh, zh-cn, zh_CN, zh-Hans → zh-CN; anything else is not supported. */
export function normaliseLocale(text: string): Locale | null {
  const key = text.trim().toLowerCase().replace(/_/g, '-');
  if (key === 'en' || key.startsWith('en-')) return 'en';
  if (['zh', 'zh-cn', 'zh-hans', 'zh-hans-cn', 'zh-sg'].includes(key)) return 'zh-CN';
  return null;
}

/** A valid IANA zone in its canonical spelling ("asia/shanghai" → "Asia/Shanghai"), or null. */
export function normaliseTimezone(text: string): string | null {
  const zone = text.trim();
  if (!zone || !IANAZone.isValidZone(zone)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

export function normaliseCurrency(text: string): string | null {
  const code = text.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
}

/** Lower-case letters, digits and inner dashes: it appears in commands and URLs. */
export const isValidSlug = (slug: string): boolean => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(slug);
