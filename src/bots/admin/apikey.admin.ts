import { apiKeyCreatedCard, apiKeyListCard, apiKeyRevokedCard } from '../../cards/presenters/api-key-card';
import { createApiKey } from '../../domain/signals/create-api-key';
import { listApiKeys } from '../../domain/signals/list-api-keys';
import { revokeApiKey } from '../../domain/signals/revoke-api-key';
import { is, keywords } from '../shared/grammar';
import { defineAdminModule } from './admin-module';

export type ApiKeyCommand = { kind: 'create'; name: string } | { kind: 'list' } | { kind: 'revoke'; key: string } | { kind: 'usage' };

const create = ['create', 'new', '新建', '创建'];
const revoke = ['revoke', '吊销', '撤销'];

/**
 * `/sfa admin apikey create <name> | list | revoke <name|prefix>`: the keys external systems post
 * signals with. A new key is shown once, in the reply to the admin, and never again.
 */
export const apiKeyAdmin = defineAdminModule<ApiKeyCommand>({
  verbs: ['apikey', 'api-key', 'apikeys', '密钥'],
  parse(args, argText) {
    const [sub, ...rest] = args;
    if (!sub || is(sub, keywords.list)) return rest.length === 0 ? { kind: 'list' } : { kind: 'usage' };
    const text = argText(rest);
    if (is(sub, create)) return text ? { kind: 'create', name: text } : { kind: 'usage' };
    if (is(sub, revoke)) return text ? { kind: 'revoke', key: text } : { kind: 'usage' };
    return { kind: 'usage' };
  },
  writes: (parsed) => (parsed.kind === 'create' || parsed.kind === 'revoke' ? 'inline' : false),
  async run(ctx, parsed) {
    switch (parsed.kind) {
      case 'usage':
        return { kind: 'card', tone: 'warn', text: ctx.t('apikey.usage') };
      case 'list':
        return apiKeyListCard(await listApiKeys(ctx.em, ctx.actor), ctx);
      case 'revoke': {
        const { key, alreadyRevoked } = await revokeApiKey(ctx.em, ctx.actor, { key: parsed.key });
        return apiKeyRevokedCard(key, alreadyRevoked, ctx);
      }
      case 'create': {
        // Slack answers a slash command to the admin alone; a Teams channel reply is seen by everyone in it.
        if (ctx.platform === 'teams' && ctx.channel?.isDirect !== true) return { kind: 'card', tone: 'warn', text: ctx.t('apikey.directChatOnly') };
        const { key, plaintext } = await createApiKey(ctx.em, ctx.actor, { name: parsed.name }, { encryptionKey: ctx.encryptionKey });
        return apiKeyCreatedCard(key, plaintext, ctx);
      }
    }
  },
});
