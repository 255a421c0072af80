import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess, type Access } from '../shared/access';
import { systemActor } from '../shared/actor';
import { knownZoneOr } from '../shared/time-zone';
import { Tenant } from '../tenants/tenant.entity';
import { Customer } from './customer.entity';
import { lastActivityDateSql, listPoolCandidates, type PoolCandidate } from './pool-activity';
import { addDays, daysBetween, periodsInForce, poolSchedule, returnDaysFor } from './pool-rules';
import { readPoolRules } from './pool-settings';

export type PoolDayResult = { returned: number; warned: number; off?: true; owners: string[] };

/** The tenant's zone, or UTC when it is not one the time-zone database knows. */
export const tenantZone = (tenant: Pick<Tenant, 'defaultTimezone'>): string => knownZoneOr(tenant.defaultTimezone);

/**
 * One tenant's pool day (`today` is the tenant's local date): customers whose warned stretch has
 * run out go back to the pool, then owners are warned of the customers due within `warnDays`.
 * Safe to run again, or twice at once: a warning is stored once per customer, owner and stretch;
 * a return is a conditional update that only succeeds while the same owner still holds the
 * customer and its last activity is still on the day the stretch began. Returns the owners who
 * have something to hear about today (warnings given or customers returned today).
 */
export async function runPoolDay(em: EntityManager, tenantId: string, today: string, now: Date): Promise<PoolDayResult> {
  const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
  const rules = await readPoolRules(em, tenantId);
  const periods = periodsInForce(rules);
  if (periods.length === 0) return { returned: 0, warned: 0, off: true, owners: [] };
  const zone = tenantZone(tenant);
  const access = await resolveAccess(em, systemActor(tenantId, 'pool-return'));
  const quietSince = addDays(today, -(Math.min(...periods) - rules.warnDays));
  const candidates = await listPoolCandidates(em, tenantId, zone, quietSince);

  let returned = 0;
  const toWarn: Array<PoolCandidate & { returnOn: string }> = [];
  for (const c of candidates) {
    const n = returnDaysFor(rules, c.tier);
    if (n == null) continue;
    const { warnOn, returnOn } = poolSchedule(c.anchorOn, n, rules.warnDays, c.warnedOn, today);
    if (c.warnedOn && today >= returnOn) {
      if (await returnCustomerToPool(em, access, c, { today, now, zone })) returned++;
    } else if (!c.warnedOn && today >= warnOn) toWarn.push({ ...c, returnOn });
  }

  let warned = 0;
  for (const c of toWarn) {
    const inserted: unknown[] = await em.execute(
      `insert into pool_warnings (tenant_id, customer_id, owner_id, anchor_on, warned_on, return_on) values (?, ?, ?, ?, ?, ?)
       on conflict on constraint pool_warnings_stretch_unique do nothing returning id`,
      [tenantId, c.customerId, c.ownerId, c.anchorOn, today, c.returnOn],
    );
    warned += inserted.length;
  }

  // Read back rather than remembered: a retried run (or a second worker) tells the same owners.
  const owners: Array<{ owner_id: string }> = await em.execute(
    `select owner_id from pool_warnings where tenant_id = ? and warned_on = ?
      union select previous_owner_id from pool_returns where tenant_id = ? and returned_on = ?`,
    [tenantId, today, tenantId, today],
  );
  return { returned, warned, owners: owners.map((o) => o.owner_id).sort() };
}

/**
 * Takes one warned customer back to the pool, only if `c` still describes it: the same owner, and
 * its last activity still on `c.anchorOn` (nothing happened since the warning). False otherwise.
 */
export async function returnCustomerToPool(em: EntityManager, access: Access, c: PoolCandidate, at: { today: string; now: Date; zone: string }): Promise<boolean> {
  return em.transactional(async (tx) => {
    const customer = await tx.findOne(Customer, { id: c.customerId, tenantId: access.tenantId });
    if (!customer) return false;
    const before = snapshot(customer);
    // The row lock decides against a claim, release, reassignment or logged visit at the same moment.
    const rows: unknown[] = await tx.execute(
      `update customers c set owner_id = null, owner_since = null, claimed_at = null, updated_at = ?
        where c.tenant_id = ? and c.id = ? and c.owner_id = ? and ${lastActivityDateSql('c')} = ?
        returning c.id`,
      [at.now, access.tenantId, c.customerId, c.ownerId, at.zone, c.anchorOn],
    );
    if (rows.length === 0) return false;
    const daysInactive = daysBetween(c.anchorOn, at.today);
    await tx.execute(
      `insert into pool_returns (tenant_id, customer_id, previous_owner_id, returned_at, returned_on, last_activity_on, days_inactive) values (?, ?, ?, ?, ?, ?, ?)`,
      [access.tenantId, c.customerId, c.ownerId, at.now, at.today, c.anchorOn, daysInactive],
    );
    recordAudit(tx, access, 'customer.pool_return', { type: 'customer', id: c.customerId }, before, { ...before, ownerId: null, ownerSince: null, claimedAt: null, previousOwnerId: c.ownerId, daysInactive, lastActivityOn: c.anchorOn });
    return true;
  });
}
