import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess, scopeCondition } from '../shared/access';
import type { Actor } from '../shared/actor';
import { User } from './user.entity';

/** Everyone whose records the actor can see: a rep just themselves, a manager their subtree. */
export async function listTeamMembers(em: EntityManager, actor: Actor): Promise<User[]> {
  const access = await resolveAccess(em, actor);
  const reach = scopeCondition(access);
  return em.find(User, { tenantId: access.tenantId, active: true, ...(reach ? { id: reach } : {}) }, { orderBy: { name: 'asc' } });
}
