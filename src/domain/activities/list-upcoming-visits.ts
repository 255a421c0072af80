import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../customers/customer.entity';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { pageWindow } from '../shared/validate';
import { Interaction } from './interaction.entity';

export type UpcomingVisit = { visit: Interaction; customerName: string };

/** The actor's own planned visits from the start of today onwards, soonest first. */
export async function listUpcomingVisits(em: EntityManager, actor: Actor, options: { from?: Date; limit?: number; offset?: number } = {}): Promise<UpcomingVisit[]> {
  const access = await resolveAccess(em, actor);
  if (!access.userId) return [];
  const visits = await em.find(
    Interaction,
    { tenantId: access.tenantId, userId: access.userId, status: 'planned', scheduledAt: { $gte: options.from ?? new Date(Date.now() - 12 * 3600_000) } },
    { orderBy: { scheduledAt: 'asc', id: 'asc' }, ...pageWindow(options, 20, 100) },
  );
  const customers = await em.find(Customer, { id: { $in: visits.map((v) => v.customerId) } });
  const names = new Map(customers.map((c) => [c.id, c.name]));
  return visits.map((visit) => ({ visit, customerName: names.get(visit.customerId) ?? '?' }));
}
