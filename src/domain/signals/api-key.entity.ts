import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

/**
 * A key an external system (website, webinar tool) posts signals with. Only a hash of the key is
 * stored; the key itself is shown once, when an admin creates it.
 */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    name: p.string().length(100),
    /** The key's public part (`sfa_<prefix>_…`): names the key in headers and lists without revealing it. */
    prefix: p.string().length(16).unique(),
    /** SHA-256 (hex) of the whole key. */
    keyHash: p.string().length(64),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  }),
});
export type ApiKey = InferEntity<typeof ApiKey>;
