import i18next, { type TFunction } from 'i18next';
import type { Locale } from '../../domain/org/user.entity';
import { en } from './en';
import { zhCN } from './zh-CN';

export type Translate = TFunction;

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  fallbackLng: 'en',
  // Replies are Slack mrkdwn / plain text, not HTML; escaping is the card layer's job.
  interpolation: { escapeValue: false },
  returnNull: false,
} as Parameters<typeof instance.init>[0]);

/** Slack sends 'zh-CN', 'zh-TW', 'en-US'…; Teams 'zh-cn'. Everything Chinese reads Simplified here. */
export function toLocale(platformLocale: string | null | undefined): Locale {
  return platformLocale?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function translator(locale: string): Translate {
  return instance.getFixedT(toLocale(locale));
}
