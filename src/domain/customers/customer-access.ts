import type { EntityManager } from '@mikro-orm/postgresql';
import { inScope, lockForChange, type Access } from '../shared/access';
import { DomainError } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { Customer } from './customer.entity';

/** Readable: in the actor's reach, or unowned (the public pool is open to everyone in the tenant). */
export function canReadCustomer(access: Access, customer: Customer): boolean {
  return customer.tenantId === access.tenantId && (customer.ownerId == null || inScope(access, customer.ownerId));
}

/** Writable: owned within reach; pool customers only by managers and admins (reps claim first). */
export function canWriteCustomer(access: Access, customer: Customer): boolean {
  if (customer.tenantId !== access.tenantId) return false;
  return customer.ownerId == null ? access.role !== 'rep' : inScope(access, customer.ownerId);
}

export async function loadCustomer(em: EntityManager, access: Access, id: string, mode: 'read' | 'write'): Promise<Customer> {
  const customer = isUuid(id) ? await em.findOne(Customer, { id, tenantId: access.tenantId }, lockForChange(em)) : null;
  if (!customer) throw new DomainError('not_found', 'No such customer.', { reason: 'customer' });
  const allowed = mode === 'read' ? canReadCustomer(access, customer) : canWriteCustomer(access, customer);
  if (!allowed) {
    const reason = customer.ownerId == null ? 'claim_first' : 'not_yours';
    throw new DomainError('forbidden', customer.ownerId == null
      ? 'This customer is in the public pool: claim it first.'
      : 'This customer belongs to someone outside your team.', { reason, entity: 'customer' });
  }
  return customer;
}

/** NFKC folds full-width letters and digits (common in Chinese input) before lower-casing. */
export const searchNameOf = (name: string): string => name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
