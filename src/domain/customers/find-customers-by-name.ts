import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess, scopeCondition } from '../shared/access';
import type { Actor } from '../shared/actor';
import { searchNameOf } from './customer-access';
import { Customer } from './customer.entity';

/**
 * Customers the actor may see (their own and the pool, as in search) whose name is exactly one of
 * `names`, compared the way search compares them. Unlike a search it has no row limit to crowd
 * out the one meant, however many names share a first word.
 */
export async function findCustomersByName(em: EntityManager, actor: Actor, names: string[]): Promise<Customer[]> {
  const folded = [...new Set(names.map(searchNameOf).filter(Boolean))];
  if (folded.length === 0) return [];
  const access = await resolveAccess(em, actor);
  const reach = scopeCondition(access);
  return em.find(
    Customer,
    { tenantId: access.tenantId, searchName: { $in: folded }, ...(reach ? { $or: [{ ownerId: reach }, { ownerId: null }] } : {}) },
    { orderBy: { name: 'asc', id: 'asc' }, limit: 50 },
  );
}
