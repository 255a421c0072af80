import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../customers/customer.entity';
import { inScope, lockForChange, type Access } from '../shared/access';
import { DomainError } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { Opportunity } from './opportunity.entity';

/** Read: the owner is in reach, or the customer's owner is. Write: the owner is in reach. */
export async function loadOpportunity(em: EntityManager, access: Access, id: string, mode: 'read' | 'write'): Promise<Opportunity> {
  const opportunity = isUuid(id) ? await em.findOne(Opportunity, { id, tenantId: access.tenantId }, lockForChange(em)) : null;
  if (!opportunity) throw new DomainError('not_found', 'No such opportunity.', { reason: 'opportunity' });
  let allowed = inScope(access, opportunity.ownerId);
  if (!allowed && mode === 'read') {
    const customer = await em.findOne(Customer, { id: opportunity.customerId });
    allowed = inScope(access, customer?.ownerId);
  }
  if (!allowed) throw new DomainError('forbidden', 'This opportunity belongs to someone outside your team.', { reason: 'not_yours', entity: 'opportunity' });
  return opportunity;
}

export function requireOpen(opportunity: Opportunity): void {
  if (opportunity.stage === 'won' || opportunity.stage === 'lost') {
    throw new DomainError('conflict', `This opportunity is already ${opportunity.stage}.`, { reason: 'closed', stage: opportunity.stage });
  }
}
