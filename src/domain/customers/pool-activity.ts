import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tier } from './customer.entity';

/**
 * A customer's last activity, as SQL over the customer row aliased `c`: the latest of
 * - its last interaction: any done visit, call, email or meeting, when it happened (`occurred_at`,
 *   also kept in `last_interaction_at`), and any planned one that was not cancelled, when it was
 *   planned (a rep who plans a visit is working the account);
 * - any change to one of its deals: created, updated, moved to another stage (`created_at`,
 *   `updated_at`), whoever owns the deal;
 * - the moment the current owner got it (`owner_since`: claim, assignment, creation with an owner).
 * Editing the customer's own fields is not activity. Days count from the local date of this moment
 * in the tenant's time zone.
 */
export const lastActivitySql = (c = 'c') => `greatest(coalesce(${c}.owner_since, ${c}.created_at), ${c}.last_interaction_at,
  (select max(case when x.status = 'done' then x.occurred_at else x.created_at end) from interactions x
    where x.tenant_id = ${c}.tenant_id and x.customer_id = ${c}.id and x.status <> 'cancelled'),
  (select max(greatest(o.created_at, o.updated_at)) from opportunities o
    where o.tenant_id = ${c}.tenant_id and o.customer_id = ${c}.id))`;

/** The local date (YYYY-MM-DD) of a customer's last activity in a zone, as SQL; the zone is a parameter. */
export const lastActivityDateSql = (c = 'c') => `to_char((${lastActivitySql(c)} at time zone ?)::date, 'YYYY-MM-DD')`;

export type PoolCandidate = {
  customerId: string;
  name: string;
  ownerId: string;
  tier: Tier | null;
  /** Local date of the last activity: the stretch of inactivity began then. */
  anchorOn: string;
  /** The warning for this stretch and owner, if given. */
  warnedOn: string | null;
  returnOn: string | null;
};

/**
 * Every owned customer of a tenant whose last activity was on or before `quietSince` (a local
 * date), with the warning already given for its current stretch. Runs on the caller's transaction.
 */
export async function listPoolCandidates(em: EntityManager, tenantId: string, zone: string, quietSince: string): Promise<PoolCandidate[]> {
  const rows: Array<{ id: string; name: string; owner_id: string; tier: Tier | null; anchor_on: string; warned_on: string | null; return_on: string | null }> = await em.execute(
    `with a as (
       select c.id, c.name, c.owner_id, c.tier, ${lastActivityDateSql('c')} as anchor_on
         from customers c where c.tenant_id = ? and c.owner_id is not null)
     select a.*, to_char(w.warned_on, 'YYYY-MM-DD') as warned_on, to_char(w.return_on, 'YYYY-MM-DD') as return_on
       from a left join pool_warnings w on w.customer_id = a.id and w.owner_id = a.owner_id and w.anchor_on = a.anchor_on::date
      where a.anchor_on <= ?
      order by a.anchor_on, a.name, a.id`,
    [zone, tenantId, quietSince],
  );
  return rows.map((r) => ({ customerId: r.id, name: r.name, ownerId: r.owner_id, tier: r.tier, anchorOn: r.anchor_on, warnedOn: r.warned_on, returnOn: r.return_on }));
}
