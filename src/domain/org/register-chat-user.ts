import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import { systemActor } from '../shared/actor';
import { User, type Role } from './user.entity';

export type ChatIdentity =
  | { platform: 'slack'; teamId: string; userId: string }
  | { platform: 'teams'; tenantId: string; aadObjectId: string };

export type ChatProfile = { name: string; email?: string | null; locale: string; timezone: string; role?: Role };

const identityWhere = (id: ChatIdentity) =>
  id.platform === 'slack' ? { slackUserId: id.userId } : { teamsAadObjectId: id.aadObjectId };

/** The user behind a chat identity, or null when they have never been seen or imported. */
export async function findChatUser(em: EntityManager, tenantId: string, identity: ChatIdentity): Promise<User | null> {
  return em.findOne(User, { tenantId, ...identityWhere(identity) });
}

/**
 * First contact from someone we do not know: an imported user with the same email is linked,
 * anyone else becomes a rep (or the role given, for bootstrap admins). Concurrent first requests
 * from one person create one user.
 */
export async function registerChatUser(em: EntityManager, tenantId: string, identity: ChatIdentity, profile: ChatProfile): Promise<User> {
  const existing = await findChatUser(em, tenantId, identity);
  if (existing) return existing;
  const link = identity.platform === 'slack'
    ? { slackTeamId: identity.teamId, slackUserId: identity.userId }
    : { teamsTenantId: identity.tenantId, teamsAadObjectId: identity.aadObjectId };
  const access = await resolveAccess(em, systemActor(tenantId, `${identity.platform}-signup`));
  const email = profile.email?.toLowerCase() ?? null;
  try {
    return await em.transactional(async (tx) => {
      const imported = email ? await tx.findOne(User, { tenantId, email, ...(identity.platform === 'slack' ? { slackUserId: null } : { teamsAadObjectId: null }) }) : null;
      if (imported) {
        const before = snapshot(imported);
        tx.assign(imported, link);
        if (profile.role === 'admin') imported.role = 'admin';
        recordAudit(tx, access, 'user.link_chat', { type: 'user', id: imported.id }, before, snapshot(imported));
        return imported;
      }
      const user = tx.create(User, {
        tenantId,
        email,
        name: profile.name.slice(0, 200) || 'Unknown',
        role: profile.role ?? 'rep',
        locale: profile.locale,
        timezone: profile.timezone,
        ...link,
      } as User);
      await tx.flush();
      recordAudit(tx, access, 'user.register_chat', { type: 'user', id: user.id }, null, snapshot(user));
      return user;
    });
  } catch (err) {
    if (err instanceof Error && /unique|duplicate/i.test(err.message)) {
      const winner = await em.fork().findOne(User, { tenantId, ...identityWhere(identity) });
      if (winner) return winner;
    }
    throw err;
  }
}
