import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../customers/customer.entity';
import { loadOpportunity } from '../opportunities/opportunity-access';
import { inScope, lockForChange, type Access } from '../shared/access';
import { DomainError, invalidInput } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { Interaction } from './interaction.entity';

/**
 * Read: the author is in reach, or the customer's owner is (an owner sees every visit to their
 * customer). Write: only the author's reach — nobody rewrites someone else's visit notes.
 */
export async function loadInteraction(em: EntityManager, access: Access, id: string, mode: 'read' | 'write'): Promise<Interaction> {
  const interaction = isUuid(id) ? await em.findOne(Interaction, { id, tenantId: access.tenantId }, lockForChange(em)) : null;
  if (!interaction) throw new DomainError('not_found', 'No such visit or activity.', { reason: 'interaction' });
  let allowed = inScope(access, interaction.userId);
  if (!allowed && mode === 'read') {
    const customer = await em.findOne(Customer, { id: interaction.customerId });
    allowed = inScope(access, customer?.ownerId);
  }
  if (!allowed) throw new DomainError('forbidden', 'This activity belongs to someone outside your team.', { reason: 'not_yours', entity: 'interaction' });
  return interaction;
}

export function requirePlanned(interaction: Interaction): void {
  if (interaction.status !== 'planned') {
    throw new DomainError('conflict', `This visit is already ${interaction.status === 'done' ? 'logged as done' : 'cancelled'}.`, {
      reason: 'not_planned',
      status: interaction.status,
    });
  }
}

/**
 * A visit may point at a deal the actor can see on the same customer — not at an id from another
 * customer or tenant (the foreign key alone accepts any opportunity of any tenant).
 */
export async function assertLinkableOpportunity(em: EntityManager, access: Access, opportunityId: string | null | undefined, customerId: string): Promise<void> {
  if (!opportunityId) return;
  const opportunity = await loadOpportunity(em, access, opportunityId, 'read');
  if (opportunity.customerId !== customerId) {
    throw invalidInput('That opportunity belongs to another customer.', [{ field: 'opportunityId', problem: 'belongs to another customer', code: 'other_customer' }]);
  }
}
