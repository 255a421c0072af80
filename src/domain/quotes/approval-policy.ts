import Decimal from 'decimal.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit } from '../org/org-unit.entity';
import { User, type Role } from '../org/user.entity';
import { DomainError } from '../shared/domain-error';

/** What a role may give (a rep) or approve (a manager) without going higher; admins are unlimited. */
export type RoleLimit = { maxPercentOff: string; maxTotal?: string | null };
export type ApprovalPolicy = Partial<Record<'rep' | 'manager', RoleLimit>>;

export const defaultApprovalPolicy: Required<ApprovalPolicy> = { rep: { maxPercentOff: '5' }, manager: { maxPercentOff: '15' } };

export const limitOf = (policy: ApprovalPolicy, role: Role): RoleLimit | null =>
  role === 'admin' ? null : { ...defaultApprovalPolicy[role], ...(policy[role] ?? {}) };

/** Whether a role's limit covers an extra discount and a total (admins: always). */
export function covers(policy: ApprovalPolicy, role: Role, extraPercentOff: Decimal.Value, total: Decimal.Value): boolean {
  const limit = limitOf(policy, role);
  if (!limit) return true;
  if (new Decimal(extraPercentOff).greaterThan(limit.maxPercentOff)) return false;
  return !limit.maxTotal || new Decimal(total).lessThanOrEqualTo(limit.maxTotal);
}

/**
 * Who approves a quote the requester may not give alone: the manager of their unit, else of each
 * unit above in turn — the first whose own limit covers it (never the requester) — and past the
 * top, an admin. Null when the requester's own limit covers it.
 */
export async function findApprover(em: EntityManager, requester: User, policy: ApprovalPolicy, extraPercentOff: string, total: string): Promise<User | null> {
  if (covers(policy, requester.role, extraPercentOff, total)) return null;
  let unitId = requester.orgUnitId;
  for (let depth = 0; unitId && depth < 50; depth++) {
    const unit = await em.findOne(OrgUnit, { id: unitId, tenantId: requester.tenantId });
    if (!unit) break;
    if (unit.managerId && unit.managerId !== requester.id) {
      const manager = await em.findOne(User, { id: unit.managerId, tenantId: requester.tenantId, active: true });
      if (manager && covers(policy, manager.role, extraPercentOff, total)) return manager;
    }
    unitId = unit.parentId;
  }
  const admin = await em.findOne(User, { tenantId: requester.tenantId, role: 'admin', active: true, id: { $ne: requester.id } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  // Needed but nobody can give it: refuse rather than let the discount through unapproved.
  if (!admin) throw new DomainError('conflict', 'Nobody in the workspace can approve this discount: an admin has to be set up first.', { reason: 'no_approver' });
  return admin;
}
