import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { parseInput } from '../shared/validate';
import { loadCustomer } from './customer-access';
import { tiers, type Customer } from './customer.entity';
import { recomputeCustomerTier } from './recompute-tiers';
import { lockTierRules } from './tier-rules-store';

const schema = z.union([
  z.object({ clear: z.literal(true) }),
  z.object({ tier: z.enum(tiers, { message: 'must be A, B or C' }).optional(), keyAccount: z.boolean().optional() }).refine((o) => o.tier !== undefined || o.keyAccount !== undefined, 'give a tier or the key-account flag'),
]);
export type TierOverrideInput = z.input<typeof schema>;

/**
 * Sets a customer's tier (and/or key-account flag) by hand, or clears both overrides. An override
 * beats the rules until it is cleared; clearing hands the customer back to the rules at once.
 * Admins, and managers for customers of their team (and the pool); reps cannot.
 */
export async function setTierOverride(em: EntityManager, actor: Actor, customerId: string, input: TierOverrideInput): Promise<Customer> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin', 'manager'], 'set a tier by hand');
    // Before the row lock, as a rule change does: the two never wait for each other in a circle.
    await lockTierRules(tx, access.tenantId, 'shared');
    const customer = await loadCustomer(tx, access, customerId, 'write');
    const before = { tierOverride: customer.tierOverride ?? null, keyAccountOverride: customer.keyAccountOverride ?? null };
    if ('clear' in data) tx.assign(customer, { tierOverride: null, keyAccountOverride: null });
    else {
      if (data.tier !== undefined) customer.tierOverride = data.tier;
      if (data.keyAccount !== undefined) customer.keyAccountOverride = data.keyAccount;
    }
    const after = { tierOverride: customer.tierOverride ?? null, keyAccountOverride: customer.keyAccountOverride ?? null };
    if (before.tierOverride === after.tierOverride && before.keyAccountOverride === after.keyAccountOverride) return customer;
    recordAudit(tx, access, 'customer.tier.override', { type: 'customer', id: customer.id }, before, after);
    await recomputeCustomerTier(tx, access, customer);
    return customer;
  });
}
