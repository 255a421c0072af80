import type { EntityManager } from '@mikro-orm/postgresql';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Tenant } from '../tenants/tenant.entity';
import { limitOf, type RoleLimit } from './approval-policy';

/** The approval limits in force now (admins only: they are the ones who set them). */
export async function getApprovalLimits(em: EntityManager, actor: Actor): Promise<Record<'rep' | 'manager', RoleLimit>> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'see approval limits');
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId }, { refresh: true });
  return { rep: limitOf(tenant.approvalPolicy, 'rep')!, manager: limitOf(tenant.approvalPolicy, 'manager')! };
}
