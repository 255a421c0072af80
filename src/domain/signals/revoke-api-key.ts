import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit';
import { lockForChange, requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { apiKeyPrefixPattern } from './api-key-format';
import { ApiKey } from './api-key.entity';
import { apiKeyAudit } from './create-api-key';

/**
 * Revokes a key, named by its name (among active keys) or its prefix; requests with it are
 * refused from the next one on. Revoking a revoked key changes nothing. Admins only, audited.
 */
export async function revokeApiKey(em: EntityManager, actor: Actor, input: { key: string }): Promise<{ key: ApiKey; alreadyRevoked: boolean }> {
  const { key: ref } = parseInput(z.object({ key: z.string().trim().min(1).max(100) }), input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'manage API keys');
    const byPrefix = apiKeyPrefixPattern.test(ref.toLowerCase()) ? await tx.findOne(ApiKey, { tenantId: access.tenantId, prefix: ref.toLowerCase() }, lockForChange(tx)) : null;
    const key = byPrefix ?? (await tx.findOne(ApiKey, { tenantId: access.tenantId, name: ref, revokedAt: null }, lockForChange(tx)));
    if (!key) throw new DomainError('not_found', 'No active API key has that name or prefix.', { reason: 'api_key' });
    if (key.revokedAt) return { key, alreadyRevoked: true };
    const before = apiKeyAudit(key);
    key.revokedAt = new Date();
    recordAudit(tx, access, 'api_key.revoke', { type: 'api_key', id: key.id }, before, apiKeyAudit(key));
    await tx.flush();
    return { key, alreadyRevoked: false };
  });
}
