import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';

export type PoolNotice = {
  /** Customers of the owner warned today, still theirs: each returns on `returnOn` unless worked. */
  warnings: Array<{ customerId: string; name: string; returnOn: string; lastActivityOn: string }>;
  /** Customers taken back to the pool today. */
  returns: Array<{ customerId: string; name: string; daysInactive: number }>;
};

/** What a person hears about the pool on a given local day: their warnings and their returns. */
export async function listPoolNotice(em: EntityManager, actor: Actor, date: string): Promise<PoolNotice> {
  const access = await resolveAccess(em, actor);
  if (!access.userId) return { warnings: [], returns: [] };
  const warnings: Array<{ customer_id: string; name: string; return_on: string; anchor_on: string }> = await em.execute(
    `select w.customer_id, c.name, to_char(w.return_on, 'YYYY-MM-DD') as return_on, to_char(w.anchor_on, 'YYYY-MM-DD') as anchor_on
       from pool_warnings w join customers c on c.id = w.customer_id and c.owner_id = w.owner_id
      where w.tenant_id = ? and w.owner_id = ? and w.warned_on = ?
      order by w.return_on, c.name, c.id`,
    [access.tenantId, access.userId, date],
  );
  const returns: Array<{ customer_id: string; name: string; days_inactive: number }> = await em.execute(
    `select r.customer_id, c.name, r.days_inactive from pool_returns r join customers c on c.id = r.customer_id
      where r.tenant_id = ? and r.previous_owner_id = ? and r.returned_on = ?
      order by c.name, c.id`,
    [access.tenantId, access.userId, date],
  );
  return {
    warnings: warnings.map((w) => ({ customerId: w.customer_id, name: w.name, returnOn: w.return_on, lastActivityOn: w.anchor_on })),
    returns: returns.map((r) => ({ customerId: r.customer_id, name: r.name, daysInactive: Number(r.days_inactive) })),
  };
}

export type PoolReturnRow = { customerId: string; customerName: string; previousOwnerId: string; previousOwnerName: string; returnedOn: string; daysInactive: number };

/**
 * Customers returned to the pool from people in the actor's reach between two local dates
 * (inclusive), for a manager's weekly summary: who had them and how long they lay idle.
 */
export async function listPoolReturns(em: EntityManager, actor: Actor, range: { from: string; to: string }): Promise<PoolReturnRow[]> {
  const access = await resolveAccess(em, actor);
  const owners = access.scope === 'tenant' ? null : `{${[...access.scope].join(',')}}`;
  const rows: Array<{ customer_id: string; customer_name: string; previous_owner_id: string; owner_name: string; returned_on: string; days_inactive: number }> = await em.execute(
    `select r.customer_id, c.name as customer_name, r.previous_owner_id, u.name as owner_name, to_char(r.returned_on, 'YYYY-MM-DD') as returned_on, r.days_inactive
       from pool_returns r join customers c on c.id = r.customer_id join users u on u.id = r.previous_owner_id
      where r.tenant_id = ? and r.returned_on between ? and ?${owners ? ' and r.previous_owner_id = any(?::uuid[])' : ''}
      order by r.returned_on, u.name, c.name, r.id`,
    [access.tenantId, range.from, range.to, ...(owners ? [owners] : [])],
  );
  return rows.map((r) => ({ customerId: r.customer_id, customerName: r.customer_name, previousOwnerId: r.previous_owner_id, previousOwnerName: r.owner_name, returnedOn: r.returned_on, daysInactive: Number(r.days_inactive) }));
}
