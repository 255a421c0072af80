import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { Tenant } from '../tenants/tenant.entity';
import { limitOf, type RoleLimit } from './approval-policy';

const limit = z
  .object({
    maxPercentOff: z.string().regex(/^\d{1,3}(\.\d{1,3})?$/, 'must be a percentage').refine((v) => Number(v) <= 100, 'must be at most 100'),
    maxTotal: z.string().regex(/^\d{1,14}(\.\d{1,2})?$/, 'must be an amount').nullish(),
  })
  .partial();
const schema = z.object({ rep: limit.optional(), manager: limit.optional() });

export type ApprovalPolicyChange = Partial<Record<'rep' | 'manager', Partial<RoleLimit>>>;

/**
 * Admins set how much extra discount (and, optionally, what total) reps may give and managers
 * approve. Only what is named changes: the rest is kept as it stands in the database now (two
 * admins changing different limits at once both keep theirs).
 */
export async function setApprovalPolicy(em: EntityManager, actor: Actor, input: ApprovalPolicyChange): Promise<Tenant> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'set approval limits');
    const tenant = await tx.findOneOrFail(Tenant, { id: access.tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const before = snapshot(tenant);
    const merged = (role: 'rep' | 'manager') => (data[role] ? { [role]: { ...limitOf(tenant.approvalPolicy, role)!, ...data[role] } } : {});
    tenant.approvalPolicy = { ...tenant.approvalPolicy, ...merged('rep'), ...merged('manager') };
    requireRepWithinManager(tenant.approvalPolicy);
    await tx.flush();
    recordAudit(tx, access, 'tenant.approval_policy', { type: 'tenant', id: tenant.id }, before, snapshot(tenant));
    return tenant;
  });
}

/** What a rep may give without asking must be something a manager may approve: else nobody below an admin could. */
function requireRepWithinManager(policy: Tenant['approvalPolicy']): void {
  const rep = limitOf(policy, 'rep');
  const manager = limitOf(policy, 'manager');
  if (!rep || !manager) return;
  if (Number(rep.maxPercentOff) > Number(manager.maxPercentOff)) {
    throw invalidInput(`A rep's limit (${rep.maxPercentOff}%) cannot be above a manager's (${manager.maxPercentOff}%).`, [{ field: 'repPercentOff', problem: `must be at most the manager's ${manager.maxPercentOff}%`, code: 'too_large', max: Number(manager.maxPercentOff) }]);
  }
  if (rep.maxTotal && manager.maxTotal && Number(rep.maxTotal) > Number(manager.maxTotal)) {
    throw invalidInput(`A rep's total limit (${rep.maxTotal}) cannot be above a manager's (${manager.maxTotal}).`, [{ field: 'repTotal', problem: `must be at most the manager's ${manager.maxTotal}`, code: 'too_large', max: Number(manager.maxTotal) }]);
  }
}
