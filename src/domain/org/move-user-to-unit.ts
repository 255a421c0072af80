import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { loadMember, loadUnit } from './load-member';
import type { User } from './user.entity';

/** Makes a user a member of a unit (or of none); their records follow them. */
export async function moveUserToUnit(em: EntityManager, actor: Actor, userId: string, unitId: string | null): Promise<User> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'move people between units');
    const user = await loadMember(tx, access.tenantId, userId);
    const unit = unitId === null ? null : await loadUnit(tx, access.tenantId, unitId);
    const before = snapshot(user);
    user.orgUnitId = unit?.id ?? null;
    recordAudit(tx, access, 'user.move', { type: 'user', id: user.id }, before, snapshot(user));
    return user;
  });
}
