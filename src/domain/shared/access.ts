import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit } from '../org/org-unit.entity';
import { User, type Role } from '../org/user.entity';
import type { Actor } from './actor';
import { DomainError } from './domain-error';

/**
 * What an actor may touch, resolved from the database on every use case: a rep their own
 * records, a manager every user in the subtrees they manage, an admin (or the CLI) the tenant.
 */
export type Access = {
  tenantId: string;
  userId: string | null;
  role: Role;
  label: string;
  /** 'tenant' or the ids of the users whose records are in reach. */
  scope: 'tenant' | ReadonlySet<string>;
};

export async function resolveAccess(em: EntityManager, actor: Actor): Promise<Access> {
  if (actor.kind === 'system') {
    return { tenantId: actor.tenantId, userId: null, role: 'admin', label: actor.label, scope: 'tenant' };
  }
  const user = await em.findOne(User, { id: actor.userId, tenantId: actor.tenantId, active: true });
  if (!user) throw new DomainError('forbidden', 'Your account is not set up in this workspace.', { reason: 'unknown_user' });
  const base = { tenantId: user.tenantId, userId: user.id, role: user.role, label: user.name };
  if (user.role === 'admin') return { ...base, scope: 'tenant' };
  if (user.role === 'rep') return { ...base, scope: new Set([user.id]) };
  return { ...base, scope: new Set([user.id, ...(await subtreeUserIds(em, user))]) };
}

/** Users in every unit below (and including) the manager's own unit and the units they manage. */
async function subtreeUserIds(em: EntityManager, manager: User): Promise<string[]> {
  const rows: { id: string }[] = await em.getConnection().execute(
    `select distinct u.id from users u
       join org_units sub on sub.id = u.org_unit_id and sub.tenant_id = u.tenant_id
       join org_units root on root.tenant_id = sub.tenant_id and sub.id_path like root.id_path || '%'
      where u.tenant_id = ? and (root.id = ? or root.manager_id = ?)`,
    [manager.tenantId, manager.orgUnitId, manager.id],
  );
  return rows.map((r) => r.id);
}

export const inScope = (access: Access, userId: string | null | undefined): boolean =>
  !!userId && (access.scope === 'tenant' || access.scope.has(userId));

/** A MikroORM condition on an owner column that keeps a query inside the actor's reach. */
export function scopeCondition(access: Access): { $in: string[] } | undefined {
  return access.scope === 'tenant' ? undefined : { $in: [...access.scope] };
}

export function requireRole(access: Access, allowed: Role[], what: string): void {
  if (!allowed.includes(access.role)) {
    throw new DomainError('forbidden', `Only ${allowed.join(' or ')} users can ${what}.`, { reason: 'role', allowed });
  }
}

/** Unit ids in the actor's reach (managers: their subtrees; admins: all). */
export async function unitsInReach(em: EntityManager, access: Access): Promise<OrgUnit[]> {
  if (access.scope === 'tenant') return em.find(OrgUnit, { tenantId: access.tenantId }, { orderBy: { namePath: 'asc' } });
  const me = await em.findOneOrFail(User, { id: access.userId! });
  const roots = await em.find(OrgUnit, { tenantId: access.tenantId, $or: [{ id: me.orgUnitId ?? undefined }, { managerId: me.id }] });
  if (access.role === 'rep') return roots.filter((u) => u.id === me.orgUnitId);
  return em.find(
    OrgUnit,
    { tenantId: access.tenantId, $or: roots.map((r) => ({ idPath: { $like: `${r.idPath}%` } })) },
    { orderBy: { namePath: 'asc' } },
  );
}
