import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess, unitsInReach } from '../shared/access';
import type { Actor } from '../shared/actor';
import { User } from './user.entity';

export type OrgUnitSummary = { id: string; namePath: string; depth: number; managerName: string | null; memberCount: number };

/** The units in the actor's reach with their manager and head count, in tree order. */
export async function listOrgUnits(em: EntityManager, actor: Actor): Promise<OrgUnitSummary[]> {
  const access = await resolveAccess(em, actor);
  const units = await unitsInReach(em, access);
  if (units.length === 0) return [];
  const members = await em.find(User, { tenantId: access.tenantId, orgUnitId: { $in: units.map((u) => u.id) }, active: true });
  const managers = await em.find(User, { id: { $in: units.map((u) => u.managerId).filter((id): id is string => !!id) } });
  return units.map((u) => ({
    id: u.id,
    namePath: u.namePath,
    depth: u.namePath.split('/').length - 1,
    managerName: managers.find((m) => m.id === u.managerId)?.name ?? null,
    memberCount: members.filter((m) => m.orgUnitId === u.id).length,
  }));
}
