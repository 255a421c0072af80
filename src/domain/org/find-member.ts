import type { EntityManager } from '@mikro-orm/postgresql';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { OrgUnit } from './org-unit.entity';
import { User } from './user.entity';

/** For admins: a person by Slack id, Teams (AAD) id or email; null when nobody matches. */
export async function findMember(em: EntityManager, actor: Actor, ref: string): Promise<User | null> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'look people up');
  if (typeof ref !== 'string' || ref.length > 254) return null;
  return em.findOne(User, { tenantId: access.tenantId, $or: [{ slackUserId: ref }, { teamsAadObjectId: ref }, { email: ref.toLowerCase() }] });
}

/** For admins: an org unit by its path (`Sales/East`, spaces around slashes ignored); null when there is none. */
export async function findOrgUnitByPath(em: EntityManager, actor: Actor, path: string): Promise<OrgUnit | null> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'look units up');
  const namePath = path.split('/').map((p) => p.trim()).filter(Boolean).join('/');
  if (!namePath || namePath.length > 1000) return null;
  return em.findOne(OrgUnit, { tenantId: access.tenantId, namePath });
}
