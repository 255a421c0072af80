import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { newId } from '../shared/ids';
import { parseInput } from '../shared/validate';
import { apiKeyHash, newApiKeyPrefix, wholeApiKey } from './api-key-format';
import { ApiKey } from './api-key.entity';

/** Letters (any script), digits, spaces and `. _ -`: a name an admin types and reads back. */
export const apiKeyName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'may hold letters, digits, spaces and . _ - only');

export type CreatedApiKey = { key: ApiKey; /** The whole key: shown once, stored nowhere. */ plaintext: string };

/** What the audit keeps of a key: never its hash. */
export const apiKeyAudit = (k: ApiKey) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt, revokedAt: k.revokedAt ?? null });

/**
 * A new API key for the tenant's external systems (admins only, audited). The whole key comes
 * back once; only its SHA-256 is stored. Refused without ENCRYPTION_KEY, which derives the secret.
 */
export async function createApiKey(em: EntityManager, actor: Actor, input: { name: string }, secrets: { encryptionKey?: string }): Promise<CreatedApiKey> {
  const { name } = parseInput(z.object({ name: apiKeyName }), input);
  if (!secrets.encryptionKey) throw new DomainError('conflict', 'API keys need ENCRYPTION_KEY to be set (it derives their signing secrets).', { reason: 'no_encryption_key' });
  const encryptionKey = secrets.encryptionKey;
  try {
    return await em.transactional(async (tx) => {
      const access = await resolveAccess(tx, actor);
      requireRole(access, ['admin'], 'manage API keys');
      if (await tx.count(ApiKey, { tenantId: access.tenantId, name, revokedAt: null })) throw duplicateName(name);
      const prefix = newApiKeyPrefix();
      const plaintext = wholeApiKey(encryptionKey, prefix);
      const key = tx.create(ApiKey, { id: newId(), tenantId: access.tenantId, name, prefix, keyHash: apiKeyHash(plaintext), createdBy: access.userId, createdAt: new Date() } as ApiKey);
      recordAudit(tx, access, 'api_key.create', { type: 'api_key', id: key.id }, null, apiKeyAudit(key));
      await tx.flush();
      return { key, plaintext };
    });
  } catch (err) {
    // Two admins naming a key the same at once: the partial unique index keeps one.
    if (err instanceof UniqueConstraintViolationException && /name/.test(err.message)) throw duplicateName(name);
    throw err;
  }
}

const duplicateName = (name: string) => new DomainError('duplicate', `An active API key is already called "${name}".`, { reason: 'api_key', name });
