import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../org/user.entity';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { pageWindow } from '../shared/validate';
import { Delivery } from './delivery.entity';

export type FailedDelivery = {
  id: string;
  kind: string;
  userId: string | null;
  userName: string | null;
  channel: string | null;
  error: string;
  attempts: number;
  at: Date;
};

/** Messages the jobs gave up on (user gone, channel archived, retries exhausted), newest first. Admins only. */
export async function listFailedDeliveries(
  em: EntityManager,
  actor: Actor,
  options: { offset?: number; limit?: number } = {},
): Promise<{ items: FailedDelivery[]; total: number }> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'see failed deliveries');
  const { offset, limit } = pageWindow(options, 20, 100);
  const [rows, total] = await em.findAndCount(
    Delivery,
    { tenantId: access.tenantId, status: 'dead' },
    { orderBy: { updatedAt: 'desc', id: 'desc' }, offset, limit },
  );
  const userIds = [...new Set(rows.map((r) => r.userId).filter((id): id is string => id != null))];
  const names = new Map((userIds.length ? await em.find(User, { id: { $in: userIds } }) : []).map((u) => [u.id, u.name]));
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      userId: r.userId ?? null,
      userName: r.userId ? names.get(r.userId) ?? null : null,
      channel: r.channel ?? null,
      error: r.error ?? 'unknown',
      attempts: r.attempts,
      at: r.updatedAt,
    })),
  };
}
