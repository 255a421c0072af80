import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
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
  if (actor.kind === 'user' && actor.perRequest) {
    const memo = actor.perRequest;
    memo.access ??= readAccess(em, actor).catch((err) => {
      memo.access = undefined;
      throw err;
    });
    return memo.access as Promise<Access>;
  }
  return readAccess(em, actor);
}

async function readAccess(em: EntityManager, actor: Actor): Promise<Access> {
  if (actor.kind === 'system') {
    return { tenantId: actor.tenantId, userId: null, role: 'admin', label: actor.label, scope: 'tenant' };
  }
  const user = await em.findOne(User, { id: actor.userId, tenantId: actor.tenantId, active: true });
  if (!user) throw new DomainError('forbidden', 'Your account is not set up in this workspace.', { reason: 'unknown_user' });
  return directAccess(user) ?? { tenantId: user.tenantId, userId: user.id, role: user.role, label: user.name, scope: new Set([user.id, ...(await subtreeUserIds(em, user))]) };
}

/**
 * A rep's or an admin's reach follows from their own row alone; a manager's needs the org tree
 * (null). A bot that has just read the person's row uses this to skip reading it again.
 */
export function directAccess(user: User): Access | null {
  if (!user.active) return null;
  const base = { tenantId: user.tenantId, userId: user.id, role: user.role, label: user.name };
  if (user.role === 'admin') return { ...base, scope: 'tenant' };
  if (user.role === 'rep') return { ...base, scope: new Set([user.id]) };
  return null;
}

/**
 * Users in every unit below (and including) the manager's own unit and the units they manage.
 * `em.execute` runs on the caller's transaction: a second pooled connection per transaction
 * deadlocks the pool once as many transactions as connections wait for one.
 */
async function subtreeUserIds(em: EntityManager, manager: User): Promise<string[]> {
  const rows: { id: string }[] = await em.execute(
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

/** Units in the actor's reach (reps: their own unit; managers: their subtrees; admins: all), in tree order. */
export async function unitsInReach(em: EntityManager, access: Access): Promise<OrgUnit[]> {
  if (access.scope === 'tenant') return sortTree(await em.find(OrgUnit, { tenantId: access.tenantId }));
  const me = await em.findOneOrFail(User, { id: access.userId!, tenantId: access.tenantId });
  // Only real conditions: `{ id: undefined }` is dropped by the ORM and would match every unit.
  const rootConditions = [
    ...(me.orgUnitId ? [{ id: me.orgUnitId }] : []),
    ...(access.role === 'manager' ? [{ managerId: me.id }] : []),
  ];
  if (rootConditions.length === 0) return [];
  const roots = await em.find(OrgUnit, { tenantId: access.tenantId, $or: rootConditions });
  if (access.role === 'rep' || roots.length === 0) return roots;
  return sortTree(await em.find(OrgUnit, { tenantId: access.tenantId, $or: roots.map((r) => ({ idPath: { $like: `${r.idPath}%` } })) }));
}

/**
 * Parents before children, siblings by name. Sorting the joined path text instead puts
 * "East 2" (space sorts before "/") between "East" and "East/Shanghai".
 */
function sortTree(units: OrgUnit[]): OrgUnit[] {
  const keyOf = (u: OrgUnit) => u.namePath.split('/');
  return [...units].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    }
    return ka.length - kb.length;
  });
}

/**
 * Find options for loading a record a use case is about to change. Inside the use case's
 * transaction the row stays locked until commit, so a double click waits for the first click and
 * then sees its result (usually a no-op) instead of repeating the change. Outside a transaction
 * (a card being rendered) nothing is locked.
 */
export function lockForChange(em: EntityManager): { lockMode?: LockMode.PESSIMISTIC_WRITE; refresh?: boolean } {
  return em.isInTransaction() ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {};
}
