import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { parseInput } from '../shared/validate';
import { Tenant } from '../tenants/tenant.entity';
import type { ApprovalPolicy } from './approval-policy';

const limit = z.object({
  maxPercentOff: z.string().regex(/^\d{1,3}(\.\d{1,3})?$/, 'must be a percentage').refine((v) => Number(v) <= 100, 'must be at most 100'),
  maxTotal: z.string().regex(/^\d{1,14}(\.\d{1,2})?$/, 'must be an amount').nullish(),
});
const schema = z.object({ rep: limit.optional(), manager: limit.optional() });

/** Admins set how much extra discount (and, optionally, what total) reps may give and managers approve. */
export async function setApprovalPolicy(em: EntityManager, actor: Actor, input: ApprovalPolicy): Promise<Tenant> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'set approval limits');
    const tenant = await tx.findOneOrFail(Tenant, { id: access.tenantId });
    const before = snapshot(tenant);
    tenant.approvalPolicy = { ...tenant.approvalPolicy, ...data };
    await tx.flush();
    recordAudit(tx, access, 'tenant.approval_policy', { type: 'tenant', id: tenant.id }, before, snapshot(tenant));
    return tenant;
  });
}
