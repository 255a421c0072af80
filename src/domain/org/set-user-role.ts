import { z } from 'zod';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { loadMember } from './load-member';
import { roles, User, type Role } from './user.entity';

export async function setUserRole(em: EntityManager, actor: Actor, userId: string, role: Role): Promise<User> {
  const newRole = parseInput(z.enum(roles, { message: 'must be rep, manager or admin' }), role);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change roles');
    const user = await loadMember(tx, access.tenantId, userId);
    if (user.role === newRole) return user;
    // Lock the admin rows before counting: two admins demoting each other at once would each
    // count two admins and leave the tenant with none. A waiting call re-reads the rows after
    // the other commits, so it sees the change.
    const admins = await tx.find(User, { tenantId: access.tenantId, role: 'admin', active: true }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
    if (access.userId && !admins.some((a) => a.id === access.userId)) {
      throw new DomainError('forbidden', 'Only admin users can change roles.', { reason: 'role', allowed: ['admin'] });
    }
    if (user.role === 'admin' && admins.filter((a) => a.id !== user.id).length === 0) {
      throw new DomainError('conflict', 'This is the last admin: make someone else admin first.', { reason: 'last_admin' });
    }
    const before = snapshot(user);
    user.role = newRole;
    recordAudit(tx, access, 'user.set_role', { type: 'user', id: user.id }, before, snapshot(user));
    return user;
  });
}
