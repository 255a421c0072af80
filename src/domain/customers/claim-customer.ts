import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, isDomainError } from '../shared/domain-error';
import { loadCustomer } from './customer-access';
import { Customer } from './customer.entity';
import { readPoolRules } from './pool-settings';

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
    await assertUnderClaimLimit(tx, access.tenantId, access.userId);
    const before = snapshot(customer);
    // A conditional update rather than read-then-write: the row lock decides a race.
    const now = new Date();
    const claimed = await tx.nativeUpdate(Customer, { id: customer.id, ownerId: null }, { ownerId: access.userId, ownerSince: now, claimedAt: now, updatedAt: now });
    if (claimed === 0) throw alreadyClaimed();
    await tx.refresh(customer);
    recordAudit(tx, access, 'customer.claim', { type: 'customer', id: customer.id }, before, snapshot(customer));
    return customer;
  });
}

const alreadyClaimed = () => new DomainError('conflict', 'Someone else claimed this customer first.', { reason: 'already_claimed' });

/**
 * An open claim is a customer the rep claimed from the pool and still owns (`claimed_at` set;
 * cleared when it leaves them). Customers assigned to them or created by them do not count. The
 * rep's own row is locked first, so two claims at the limit minus one are counted one after the
 * other: one wins, the other is refused.
 */
async function assertUnderClaimLimit(tx: EntityManager, tenantId: string, userId: string): Promise<void> {
  const { maxClaims } = await readPoolRules(tx, tenantId);
  if (maxClaims == null) return;
  await tx.execute('select id from users where id = ? and tenant_id = ? for update', [userId, tenantId]);
  const [{ held }] = await tx.execute<Array<{ held: number }>>(
    'select count(*)::int as held from customers where tenant_id = ? and owner_id = ? and claimed_at is not null',
    [tenantId, userId],
  );
  if (held >= maxClaims) {
    throw new DomainError('conflict', `You already hold ${held} claimed customers (the limit is ${maxClaims}): release one first.`, { reason: 'claim_limit', limit: maxClaims, held });
  }
}
