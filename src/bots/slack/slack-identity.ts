import type { EntityManager } from '@mikro-orm/postgresql';
import type { WebClient } from '@slack/web-api';
import type { MikroORM } from '../../db/orm';
import { findChatUser, registerChatUser } from '../../domain/org/register-chat-user';
import { userActor } from '../../domain/shared/actor';
import { Tenant } from '../../domain/tenants/tenant.entity';
import type { CommandContext } from '../commands/command-context';
import { toLocale, translator } from '../../cards/i18n/i18n';

export type SlackIdentityOptions = {
  orm: MikroORM;
  /** Slack user ids made admins on first contact (SLACK_ADMIN_USER_IDS). */
  adminUserIds: string[];
};

/**
 * Maps a Slack user of a known workspace to a tenant user, creating them on first contact as a
 * rep with the locale and time zone Slack knows (users.info). Null when the workspace is unknown.
 */
export async function slackCommandContext(
  opts: SlackIdentityOptions,
  teamId: string,
  slackUserId: string,
  /** Asked only for a first-time user; a worker passes a getter so it makes no client it does not need. */
  client: WebClient | ((tenantId: string) => Promise<WebClient>),
): Promise<CommandContext | null> {
  const em = opts.orm.em.fork();
  const tenant = await tenantOf(em, teamId);
  if (!tenant) return null;
  const identity = { platform: 'slack' as const, teamId, userId: slackUserId };
  let user = await findChatUser(em, tenant.id, identity);
  if (!user) {
    const api = typeof client === 'function' ? await client(tenant.id) : client;
    const info = await api.users.info({ user: slackUserId, include_locale: true });
    const profile = info.user;
    user = await registerChatUser(em, tenant.id, identity, {
      name: profile?.real_name || profile?.profile?.real_name || profile?.name || slackUserId,
      email: profile?.profile?.email ?? null,
      locale: toLocale(profile?.locale ?? tenant.defaultLocale),
      timezone: profile?.tz || tenant.defaultTimezone,
      role: opts.adminUserIds.includes(slackUserId) ? 'admin' : undefined,
    });
  }
  knownLocales.set(`${teamId}:${slackUserId}`, user.locale);
  const actor = { ...userActor(tenant.id, user.id, user.role), perRequest: {} };
  return { em, tenant, user, actor, t: translator(user.locale), now: new Date() };
}

/**
 * The language to acknowledge a queued command in, without a database read on the ack path: the
 * user's locale as last seen, else the workspace's default while it is cached, else English.
 */
export function ackLocaleOf(teamId: string, slackUserId: string): string {
  const known = knownLocales.get(`${teamId}:${slackUserId}`);
  if (known) return known;
  const hit = tenantCache.get(teamId);
  return hit ? hit.tenant.defaultLocale : 'en';
}

const knownLocales = new Map<string, string>();

// Workspaces change tenants never and settings rarely: a minute-old copy saves a query per request.
const tenantCache = new Map<string, { tenant: Tenant; until: number }>();
const tenantCacheMs = 60_000;

async function tenantOf(em: EntityManager, teamId: string): Promise<Tenant | null> {
  const hit = tenantCache.get(teamId);
  if (hit && hit.until > Date.now()) return hit.tenant;
  const tenant = await em.findOne(Tenant, { slackTeamId: teamId });
  if (tenant) tenantCache.set(teamId, { tenant, until: Date.now() + tenantCacheMs });
  else tenantCache.delete(teamId);
  return tenant;
}
