import type { EntityManager } from '@mikro-orm/postgresql';
import { requireRole, type Access } from '../shared/access';
import type { Customer, Tier } from './customer.entity';
import { TierRule } from './tier-rule.entity';

/**
 * A tier or key-account flag typed on a customer form (create, update). Without tier rules tiers
 * are set by hand as they always were. Once the tenant has rules, a value that differs from the
 * current one is an override (managers and admins only: tiers drive price lists), and an empty
 * tier clears the tier override; the same value again changes nothing, so a form sent back as it
 * was shown never trips the check.
 */
export async function applyTierInput(tx: EntityManager, access: Access, customer: Customer, input: { tier?: Tier | null; keyAccount?: boolean }): Promise<void> {
  if (input.tier === undefined && input.keyAccount === undefined) return;
  const ruled = (await tx.count(TierRule, { tenantId: access.tenantId })) > 0;
  if (!ruled) {
    if (input.tier !== undefined) customer.tier = input.tier;
    if (input.keyAccount !== undefined) customer.keyAccount = input.keyAccount;
    return;
  }
  const tierChange = input.tier !== undefined && input.tier !== (customer.tier ?? null);
  const keyChange = input.keyAccount !== undefined && input.keyAccount !== customer.keyAccount;
  if (!tierChange && !keyChange) return;
  requireRole(access, ['admin', 'manager'], 'set a tier by hand');
  if (tierChange) customer.tierOverride = input.tier ?? null;
  if (keyChange) customer.keyAccountOverride = input.keyAccount!;
}
