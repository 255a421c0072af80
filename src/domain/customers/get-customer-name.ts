import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { canReadCustomer } from './customer-access';
import { Customer } from './customer.entity';

/**
 * A customer's id and name, for a reply about something just done to it. A use case that changed
 * the customer has usually loaded it into this unit of work already, so this reads nothing more.
 */
export async function getCustomerName(em: EntityManager, actor: Actor, customerId: string): Promise<{ id: string; name: string }> {
  const access = await resolveAccess(em, actor);
  const customer = isUuid(customerId) ? await em.findOne(Customer, customerId) : null;
  if (!customer || !canReadCustomer(access, customer)) throw new DomainError('not_found', 'No such customer.', { reason: 'customer' });
  return { id: customer.id, name: customer.name };
}
