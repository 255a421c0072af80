import type { EntityManager } from '@mikro-orm/postgresql';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { ApiKey } from './api-key.entity';

export type ApiKeyView = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

/** The tenant's API keys, active ones first, newest first; never their hashes. Admins only. */
export async function listApiKeys(em: EntityManager, actor: Actor, opts: { limit?: number } = {}): Promise<ApiKeyView[]> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'manage API keys');
  const limit = Math.min(Math.max(1, Math.trunc(opts.limit ?? 50)), 200);
  const rows: Array<{ id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }> = await em.execute(
    `select id, name, prefix, created_at, last_used_at, revoked_at from api_keys where tenant_id = ?
      order by (revoked_at is null) desc, created_at desc limit ?`,
    [access.tenantId, limit],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: new Date(r.created_at), lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null, revokedAt: r.revoked_at ? new Date(r.revoked_at) : null }));
}
