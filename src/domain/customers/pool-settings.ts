import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { defaultPoolRules, maxPoolDays, periodsInForce, type PoolRules } from './pool-rules';
import { PoolSettings } from './pool-settings.entity';

/** A tenant's pool rules as they are in force (defaults when never set). No role needed: claims read them. */
export async function readPoolRules(em: EntityManager, tenantId: string): Promise<PoolRules> {
  const row = await em.findOne(PoolSettings, { tenantId });
  return row ? { returnDays: row.returnDays ?? null, tierDays: row.tierDays ?? {}, warnDays: row.warnDays, maxClaims: row.maxClaims ?? null } : { ...defaultPoolRules };
}

export async function getPoolSettings(em: EntityManager, actor: Actor): Promise<PoolRules> {
  const access = await resolveAccess(em, actor);
  return readPoolRules(em, access.tenantId);
}

const days = z.number().int().min(1).max(maxPoolDays);
const schema = z.object({
  /** null turns auto-return off (and clears the tiers' own periods). */
  returnDays: days.nullable().optional(),
  /** Replaces every tier's own period; a tier set to null never returns. */
  tierDays: z.object({ A: days.nullable(), B: days.nullable(), C: days.nullable(), none: days.nullable() }).partial().strict().optional(),
  warnDays: z.number().int().min(1).max(maxPoolDays - 1).optional(),
  maxClaims: z.number().int().min(1).max(10_000).nullable().optional(),
});
export type SetPoolSettingsInput = z.input<typeof schema>;

/**
 * Admins change the pool rules; what is not given stays. The warning must come before every
 * return period in force (M < every N), checked on the result, so `pool warn 10` with a 7-day
 * period, or `pool return 2` with a 3-day warning, is refused and changes nothing.
 */
export async function setPoolSettings(em: EntityManager, actor: Actor, input: SetPoolSettingsInput): Promise<PoolRules> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change the public pool rules');
    const before = await readPoolRules(tx, access.tenantId);
    const after: PoolRules = { ...before };
    if (data.returnDays !== undefined) {
      after.returnDays = data.returnDays;
      after.tierDays = data.returnDays === null ? {} : (data.tierDays ?? {});
    } else if (data.tierDays !== undefined) after.tierDays = data.tierDays;
    if (data.warnDays !== undefined) after.warnDays = data.warnDays;
    if (data.maxClaims !== undefined) after.maxClaims = data.maxClaims;
    const shortest = Math.min(...periodsInForce(after));
    if (Number.isFinite(shortest) && after.warnDays >= shortest) {
      throw invalidInput(`The warning (${after.warnDays} days before) must come before the shortest return period (${shortest} days).`, [
        { field: 'warnDays', problem: 'not before the return', code: 'too_large', max: shortest - 1 },
      ]);
    }
    const row = (await tx.findOne(PoolSettings, { tenantId: access.tenantId })) ?? tx.create(PoolSettings, { tenantId: access.tenantId } as PoolSettings);
    tx.assign(row, { returnDays: after.returnDays, tierDays: after.tierDays, warnDays: after.warnDays, maxClaims: after.maxClaims, updatedBy: access.userId, updatedAt: new Date() });
    recordAudit(tx, access, 'pool.settings', { type: 'tenant', id: access.tenantId }, before, after);
    return after;
  });
}
