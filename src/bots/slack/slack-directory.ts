import type { EntityManager } from '@mikro-orm/postgresql';
import type { WebClient } from '@slack/web-api';
import { toLocale } from '../../cards/i18n/i18n';
import { findChatUser, type ChatIdentity } from '../../domain/org/register-chat-user';
import type { User } from '../../domain/org/user.entity';
import { findWorkspaceTenant } from '../../domain/tenants/find-workspace-tenant';
import type { Tenant } from '../../domain/tenants/tenant.entity';
import type { ChatDirectory } from '../pipeline/identify';
import type { Interaction } from '../pipeline/interaction';

/**
 * Slack's people: a workspace (team id) is a tenant; someone new is looked up with users.info
 * (name, email, language, time zone, and their home team, which tells a Slack Connect guest).
 * `client` is asked only for a first-time user, so a worker makes no client it does not need.
 */
export class SlackDirectory implements ChatDirectory {
  readonly platform = 'slack' as const;

  constructor(
    private readonly adminUserIds: readonly string[],
    private readonly client: (tenantId: string) => Promise<WebClient> | WebClient,
  ) {}

  tenantOf(em: EntityManager, interaction: Interaction): Promise<Tenant | null> {
    return slackTenantOf(em, interaction.workspaceId);
  }

  identity(interaction: Interaction): ChatIdentity {
    return { platform: 'slack', teamId: interaction.workspaceId, userId: interaction.userId };
  }

  async profileOf(interaction: Interaction, tenant: Tenant) {
    const info = await (await this.client(tenant.id)).users.info({ user: interaction.userId, include_locale: true });
    const profile = info.user;
    return {
      name: profile?.real_name || profile?.profile?.real_name || profile?.name || interaction.userId,
      email: profile?.profile?.email ?? null,
      locale: toLocale(profile?.locale ?? tenant.defaultLocale),
      timezone: profile?.tz || tenant.defaultTimezone,
      role: this.adminUserIds.includes(interaction.userId) ? ('admin' as const) : undefined,
      homeWorkspaceId: profile?.team_id,
    };
  }

  async remember(_em: EntityManager, interaction: Interaction, user: User): Promise<void> {
    knownLocales.set(`${interaction.workspaceId}:${interaction.userId}`, user.locale);
  }
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

/** Whether this process has seen the person's language yet. */
export const knowsLocaleOf = (teamId: string, slackUserId: string): boolean => knownLocales.has(`${teamId}:${slackUserId}`);

/** The person's language for the next ack, learnt off the ack path. */
export async function learnLocaleOf(em: EntityManager, teamId: string, slackUserId: string): Promise<void> {
  const tenant = await slackTenantOf(em, teamId);
  const user = tenant ? await findChatUser(em, tenant.id, { platform: 'slack', teamId, userId: slackUserId }) : null;
  if (user) knownLocales.set(`${teamId}:${slackUserId}`, user.locale);
}

// Workspaces change tenants never and settings rarely: a minute-old copy saves a query per request.
const tenantCache = new Map<string, { tenant: Tenant; until: number }>();
const tenantCacheMs = 60_000;

export async function slackTenantOf(em: EntityManager, teamId: string): Promise<Tenant | null> {
  const hit = tenantCache.get(teamId);
  if (hit && hit.until > Date.now()) return hit.tenant;
  const tenant = await findWorkspaceTenant(em, 'slack', teamId);
  if (tenant) tenantCache.set(teamId, { tenant, until: Date.now() + tenantCacheMs });
  else tenantCache.delete(teamId);
  return tenant;
}
