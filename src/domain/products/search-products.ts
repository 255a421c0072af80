import type { EntityManager } from '@mikro-orm/postgresql';
import { searchNameOf } from '../customers/customer-access';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Product } from './product.entity';

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Active products whose SKU is the query, or whose name contains it; exact SKU first. Everyone in the tenant may look. */
export async function searchProducts(em: EntityManager, actor: Actor, query: string, limit = 10): Promise<Product[]> {
  const access = await resolveAccess(em, actor);
  const q = searchNameOf(query);
  if (!q) return [];
  const found = await em.find(
    Product,
    { tenantId: access.tenantId, active: true, $or: [{ sku: { $ilike: query.trim() } }, { searchName: { $like: `%${escapeLike(q)}%` } }] },
    { orderBy: { name: 'asc', id: 'asc' }, limit: Math.min(Math.max(1, limit), 25) },
  );
  return found.sort((a, b) => Number(b.sku.toLowerCase() === query.trim().toLowerCase()) - Number(a.sku.toLowerCase() === query.trim().toLowerCase()));
}
