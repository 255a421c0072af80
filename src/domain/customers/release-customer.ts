import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { loadCustomer } from './customer-access';
import type { Customer } from './customer.entity';

/** Hands a customer back to the public pool; releasing a pool customer again changes nothing. */
export async function releaseCustomer(em: EntityManager, actor: Actor, customerId: string): Promise<Customer> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const customer = await loadCustomer(tx, access, customerId, 'read');
    if (customer.ownerId == null) return customer;
    await loadCustomer(tx, access, customerId, 'write');
    const before = snapshot(customer);
    customer.ownerId = null;
    customer.ownerSince = null;
    customer.claimedAt = null;
    recordAudit(tx, access, 'customer.release', { type: 'customer', id: customer.id }, before, snapshot(customer));
    return customer;
  });
}
