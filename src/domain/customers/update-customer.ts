import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { assertAssignableOwner, refuseDuplicates } from './create-customer';
import { loadCustomer, searchNameOf } from './customer-access';
import type { Customer } from './customer.entity';
import { customerFieldsSchema } from './customer-input';
import { applyTierInput } from './customer-tier-input';
import { findDuplicateCustomers } from './find-duplicate-customers';
import { recomputeCustomerTier } from './recompute-tiers';
import { lockTierRules } from './tier-rules-store';

const schema = customerFieldsSchema.partial().extend({
  ownerId: z.string().uuid().nullable().optional(),
  allowDuplicate: z.boolean().optional(),
});
export type UpdateCustomerInput = z.input<typeof schema>;

export async function updateCustomer(em: EntityManager, actor: Actor, customerId: string, input: UpdateCustomerInput): Promise<Customer> {
  const { allowDuplicate, tier, keyAccount, ...patch } = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    // Before the row lock, as a rule change does: the two never wait for each other in a circle.
    await lockTierRules(tx, access.tenantId, 'shared');
    const customer = await loadCustomer(tx, access, customerId, 'write');
    const before = snapshot(customer);

    if (patch.ownerId !== undefined && patch.ownerId !== customer.ownerId) {
      if (access.role === 'rep') throw new DomainError('forbidden', 'Only a manager or admin can hand a customer to someone else.', { reason: 'role' });
      await assertAssignableOwner(tx, access, patch.ownerId);
    }
    if (patch.name !== undefined && searchNameOf(patch.name) !== customer.searchName) {
      const duplicates = await findDuplicateCustomers(tx, access.tenantId, { name: patch.name }, customer.id);
      await refuseDuplicates(tx, access, patch.name, duplicates, allowDuplicate ?? false);
    }
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    tx.assign(customer, defined as Partial<Customer>);
    if (patch.name !== undefined) customer.searchName = searchNameOf(patch.name);
    // Tier rules read region, industry and size: the tier follows the edit in the same transaction.
    await applyTierInput(tx, access, customer, { tier, keyAccount });
    await recomputeCustomerTier(tx, access, customer);

    recordAudit(tx, access, 'customer.update', { type: 'customer', id: customer.id }, before, snapshot(customer));
    return customer;
  });
}
