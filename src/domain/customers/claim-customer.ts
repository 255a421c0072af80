import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, isDomainError } from '../shared/domain-error';
import { loadCustomer } from './customer-access';
import { Customer } from './customer.entity';

/** Takes a customer from the public pool. Two reps clicking at once: exactly one wins. */
export async function claimCustomer(em: EntityManager, actor: Actor, customerId: string): Promise<Customer> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    if (!access.userId) throw new DomainError('forbidden', 'Only a person can claim a customer.', { reason: 'system' });
    const customer = await loadCustomer(tx, access, customerId, 'read').catch((err: unknown) => {
      // Out of reach means owned by someone else: usually a stale pool card, or a second click
      // that waited on the winner's row lock. Say so, without saying who.
      if (isDomainError(err) && err.code === 'forbidden' && err.details.reason === 'not_yours') throw alreadyClaimed();
      throw err;
    });
    if (customer.ownerId === access.userId) return customer;
    const before = snapshot(customer);
    // A conditional update rather than read-then-write: the row lock decides a race.
    const claimed = await tx.nativeUpdate(Customer, { id: customer.id, ownerId: null }, { ownerId: access.userId, updatedAt: new Date() });
    if (claimed === 0) throw alreadyClaimed();
    await tx.refresh(customer);
    recordAudit(tx, access, 'customer.claim', { type: 'customer', id: customer.id }, before, snapshot(customer));
    return customer;
  });
}

const alreadyClaimed = () => new DomainError('conflict', 'Someone else claimed this customer first.', { reason: 'already_claimed' });
