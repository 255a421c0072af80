import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { User } from '../org/user.entity';
import { whoToAsk } from '../org/who-to-ask';
import { inScope, resolveAccess, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, invalidInput } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { searchNameOf } from './customer-access';
import { Customer } from './customer.entity';
import { customerFieldsSchema } from './customer-input';
import { applyTierInput } from './customer-tier-input';
import { findDuplicateCustomers, type DuplicateCandidate } from './find-duplicate-customers';
import { recomputeCustomerTier } from './recompute-tiers';

const schema = customerFieldsSchema.extend({
  /** Omitted: the acting user owns it. null: straight into the public pool. */
  ownerId: z.string().uuid().nullable().optional(),
  /** The person saw the duplicate warning and chose to create anyway. */
  allowDuplicate: z.boolean().optional(),
});
export type CreateCustomerInput = z.input<typeof schema>;

export async function createCustomer(
  em: EntityManager,
  actor: Actor,
  input: CreateCustomerInput,
): Promise<{ customer: Customer; duplicates: DuplicateCandidate[] }> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const ownerId = data.ownerId === undefined ? access.userId : data.ownerId;
    await assertAssignableOwner(tx, access, ownerId);

    const duplicates = await findDuplicateCustomers(tx, access.tenantId, data);
    await refuseDuplicates(tx, access, data.name, duplicates, data.allowDuplicate ?? false);
    const customer = tx.create(Customer, {
      tenantId: access.tenantId,
      name: data.name,
      searchName: searchNameOf(data.name),
      phone: data.phone ?? null,
      email: data.email ?? null,
      website: data.website ?? null,
      address: data.address ?? null,
      region: data.region ?? null,
      industry: data.industry ?? null,
      companySize: data.companySize ?? null,
      source: data.source ?? null,
      tags: data.tags ?? [],
      tier: null,
      keyAccount: false,
      contacts: data.contacts ?? [],
      ownerId,
      createdBy: access.userId,
    } as Customer);
    await applyTierInput(tx, access, customer, { tier: data.tier ?? undefined, keyAccount: data.keyAccount });
    await tx.flush();
    await recomputeCustomerTier(tx, access, customer);
    recordAudit(tx, access, 'customer.create', { type: 'customer', id: customer.id }, null, snapshot(customer));
    return { customer, duplicates };
  });
}

/**
 * Someone who saw the duplicates may create anyway. Duplicates they may not see (another team's
 * customers) always refuse, naming only whom to ask: no names, ids or owners leak across teams.
 */
export async function refuseDuplicates(em: EntityManager, access: Access, name: string, duplicates: DuplicateCandidate[], allowDuplicate: boolean): Promise<void> {
  const visible = duplicates.filter((d) => d.ownerId == null || inScope(access, d.ownerId));
  const hidden = duplicates.filter((d) => !visible.includes(d));
  if (hidden.length === 0 && (visible.length === 0 || allowDuplicate)) return;
  const askNames = hidden.length ? await whoToAsk(em, access.tenantId, hidden.map((d) => d.ownerId!)) : [];
  throw new DomainError('duplicate', `A customer like "${name}" already exists.`, { reason: 'customer', candidates: visible, hiddenCount: hidden.length, ask: askNames });
}

/** Reps may own a customer themselves or leave it to the pool; managers assign within reach. */
export async function assertAssignableOwner(em: EntityManager, access: Access, ownerId: string | null): Promise<void> {
  if (ownerId === null) return;
  const owner = await em.findOne(User, { id: ownerId, tenantId: access.tenantId, active: true });
  if (!owner) throw invalidInput('The chosen owner is not an active user of this workspace.', [{ field: 'ownerId', problem: 'unknown user', code: 'unknown_user' }]);
  if (!inScope(access, ownerId)) throw new DomainError('forbidden', 'You can only assign customers to people in your team.', { reason: 'owner_out_of_reach' });
}
