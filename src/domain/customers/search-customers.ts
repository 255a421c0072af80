import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess, scopeCondition } from '../shared/access';
import type { Actor } from '../shared/actor';
import { pageWindow } from '../shared/validate';
import { searchNameOf } from './customer-access';
import { Customer } from './customer.entity';

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Customers the actor may see whose name contains the query (Chinese included) or whose phone
 * or email equals it; exact names first, then prefixes, then the rest, shortest name first.
 */
export async function searchCustomers(em: EntityManager, actor: Actor, query: string, limit = 10): Promise<Customer[]> {
  const access = await resolveAccess(em, actor);
  const q = searchNameOf(query);
  if (!q) return [];
  const reach = scopeCondition(access);
  const prefix = `${escapeLike(q)}%`;
  return em.find(
    Customer,
    {
      tenantId: access.tenantId,
      ...(reach ? { $or: [{ ownerId: reach }, { ownerId: null }] } : {}),
      $and: [{ $or: [{ searchName: { $like: `%${escapeLike(q)}%` } }, { email: q }, { phone: query.trim() }] }],
    },
    {
      orderBy: {
        [raw((alias) => `case when ${alias}.search_name = ? then 0 when ${alias}.search_name like ? then 1 else 2 end`, [q, prefix])]: 'asc',
        [raw((alias) => `length(${alias}.name)`)]: 'asc',
        name: 'asc',
        id: 'asc',
      },
      limit: pageWindow({ limit }, 10, 50).limit,
    },
  );
}
