import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { pageWindow } from '../shared/validate';
import { Customer } from './customer.entity';

export type Page<T> = { items: T[]; total: number; offset: number; limit: number };

/** The public pool: customers with buying signals (a signal rule fired, newest first) first, then key accounts and better tiers. */
export async function listPoolCustomers(em: EntityManager, actor: Actor, page: { offset?: number; limit?: number } = {}): Promise<Page<Customer>> {
  const access = await resolveAccess(em, actor);
  const { offset, limit } = pageWindow(page, 10, 50);
  const [items, total] = await em.findAndCount(
    Customer,
    { tenantId: access.tenantId, ownerId: null },
    // The id breaks ties (same-named customers) so that pages neither repeat nor skip rows.
    { orderBy: { signalFlaggedAt: 'desc nulls last', keyAccount: 'desc', tier: 'asc nulls last', name: 'asc', id: 'asc' }, offset, limit },
  );
  return { items, total, offset, limit };
}
