import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Tenant } from '../tenants/tenant.entity';
import { listPoolCandidates } from './pool-activity';
import { addDays, periodsInForce, poolSchedule, returnDaysFor } from './pool-rules';
import { readPoolRules } from './pool-settings';
import { tenantZone } from './run-pool-day';

/**
 * How many owned customers will return to the pool within `days` local days from `at` (today
 * included) if nobody works them, by the rules in force now: what an admin sees before changing them.
 */
export async function countPoolDue(em: EntityManager, actor: Actor, input: { at?: Date; days?: number } = {}): Promise<{ today: string; until: string; due: number }> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'see the public pool rules');
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const zone = tenantZone(tenant);
  const today = DateTime.fromJSDate(input.at ?? new Date(), { zone }).toISODate()!;
  const until = addDays(today, Math.min(Math.max(1, Math.trunc(input.days ?? 7)), 365) - 1);
  const rules = await readPoolRules(em, access.tenantId);
  const periods = periodsInForce(rules);
  if (periods.length === 0) return { today, until, due: 0 };
  const candidates = await listPoolCandidates(em, access.tenantId, zone, addDays(until, -Math.min(...periods)));
  const due = candidates.filter((c) => {
    const n = returnDaysFor(rules, c.tier);
    return n != null && poolSchedule(c.anchorOn, n, rules.warnDays, c.warnedOn, today).returnOn <= until;
  }).length;
  return { today, until, due };
}
