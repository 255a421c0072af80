import type { ApiKeyView } from '../../domain/signals/list-api-keys';
import type { Reader } from './reader';
import type { CardModel } from '../reply-model';
import { clip, formatDateTime } from './format';

const when = (date: Date, reader: Reader) => formatDateTime(date, reader.user.timezone, reader.user.locale);

/**
 * A new key, shown this once. The request log keeps `shownOnce` instead (it names the key and
 * says it was shown), so the key is stored nowhere and a redelivered command cannot show it again.
 */
export function apiKeyCreatedCard(key: { name: string; prefix: string }, plaintext: string, reader: Reader): CardModel {
  const { t } = reader;
  return {
    kind: 'card',
    tone: 'ok',
    header: t('apikey.createdHeader', { name: clip(key.name, 100) }),
    text: t('apikey.createdText', { key: plaintext }),
    context: [t('apikey.createdHint', { prefix: key.prefix })],
    shownOnce: { kind: 'card', tone: 'info', text: t('apikey.createdShownOnce', { name: clip(key.name, 100), prefix: key.prefix }) },
  };
}

export function apiKeyListCard(keys: ApiKeyView[], reader: Reader): CardModel {
  const { t } = reader;
  if (keys.length === 0) return { kind: 'card', header: t('apikey.listHeader'), text: t('apikey.listEmpty') };
  const lines = keys.map((k) =>
    [
      `• *${clip(k.name, 60)}* · \`${k.prefix}\``,
      t('apikey.created', { when: when(k.createdAt, reader) }),
      k.lastUsedAt ? t('apikey.lastUsed', { when: when(k.lastUsedAt, reader) }) : t('apikey.neverUsed'),
      ...(k.revokedAt ? [t('apikey.revokedOn', { when: when(k.revokedAt, reader) })] : []),
    ].join(' · '),
  );
  return { kind: 'card', header: t('apikey.listHeader'), sections: [{ lines }], context: [t('apikey.listHint')] };
}

export function apiKeyRevokedCard(key: { name: string; prefix: string; revokedAt?: Date | null }, alreadyRevoked: boolean, reader: Reader): CardModel {
  const { t } = reader;
  const args = { name: clip(key.name, 100), prefix: key.prefix, when: key.revokedAt ? when(key.revokedAt, reader) : '' };
  return alreadyRevoked ? { kind: 'card', tone: 'info', text: t('apikey.alreadyRevoked', args) } : { kind: 'card', tone: 'ok', text: t('apikey.revoked', args) };
}
