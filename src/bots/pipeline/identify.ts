import type { EntityManager } from '@mikro-orm/postgresql';
import { translator, type Translate } from '../../cards/i18n/i18n';
import { findChatUser, registerChatUser, type ChatIdentity, type ChatProfile } from '../../domain/org/register-chat-user';
import type { User } from '../../domain/org/user.entity';
import { directAccess } from '../../domain/shared/access';
import { userActor, type UserActor } from '../../domain/shared/actor';
import type { Tenant } from '../../domain/tenants/tenant.entity';
import type { Interaction } from './interaction';
import type { Platform } from './context';

/** What one platform knows about its people: how a workspace maps to a tenant, and who someone is on first contact. */
export interface ChatDirectory {
  readonly platform: Platform;
  /** The tenant of the interaction's workspace (cached), or null when the workspace is unknown. */
  tenantOf(em: EntityManager, interaction: Interaction): Promise<Tenant | null>;
  identity(interaction: Interaction): ChatIdentity;
  /** Someone seen for the first time: their profile (and, when the platform says, their home workspace). */
  profileOf(interaction: Interaction, tenant: Tenant): Promise<ChatProfile & { homeWorkspaceId?: string }>;
  /** Work before the interaction's transaction, on a unit of work of its own (Teams: create the tenant of a new AAD tenant). */
  prepare?(em: EntityManager, interaction: Interaction): Promise<void>;
  /** After it, on its own: anything to keep about the person's conversation (Teams: where to send reminders later). */
  remember?(em: EntityManager, interaction: Interaction, user: User, tenant: Tenant): Promise<void>;
}

export type Identity = { tenant: Tenant; user: User; actor: UserActor; t: Translate };

/** Someone the bot will not serve, with the reason to tell them (in their language, when known). */
export class Refusal extends Error {
  constructor(readonly textKey: 'forbidden.unknown_user' | 'forbidden.external_user', readonly locale: string) {
    super(textKey);
    this.name = 'Refusal';
  }
}

/** Not known yet: registration (which may call the platform) happens outside the interaction's transaction. */
export class NotRegistered extends Error {
  constructor(readonly tenant: Tenant) {
    super('not registered');
    this.name = 'NotRegistered';
  }
}

const externalTo = (workspaceId: string, home?: string) => !!home && home !== workspaceId;

/**
 * Who is acting, in the interaction's transaction: the workspace's tenant (cached), the person's
 * row (one read), and their reach when it follows from that row. People from another workspace
 * (Slack Connect guests, other organisations) are refused, never signed up.
 */
export async function identify(em: EntityManager, interaction: Interaction, directory: ChatDirectory): Promise<Identity> {
  const tenant = await directory.tenantOf(em, interaction);
  if (!tenant) throw new Refusal('forbidden.unknown_user', 'en');
  if (externalTo(interaction.workspaceId, interaction.homeWorkspaceId)) throw new Refusal('forbidden.external_user', tenant.defaultLocale);
  const user = await findChatUser(em, tenant.id, directory.identity(interaction));
  if (!user) throw new NotRegistered(tenant);
  if (!user.active) throw new Refusal('forbidden.unknown_user', user.locale);
  const access = directAccess(user);
  const actor: UserActor = { ...userActor(tenant.id, user.id, user.role), perRequest: access ? { access: Promise.resolve(access) } : {} };
  return { tenant, user, actor, t: translator(user.locale) };
}

/** First contact: the platform's profile, then the tenant's user (an imported one with the same email is linked). */
export async function register(em: EntityManager, interaction: Interaction, directory: ChatDirectory, tenant: Tenant): Promise<void> {
  const profile = await directory.profileOf(interaction, tenant);
  if (externalTo(interaction.workspaceId, profile.homeWorkspaceId)) throw new Refusal('forbidden.external_user', tenant.defaultLocale);
  await registerChatUser(em, tenant.id, directory.identity(interaction), profile);
}
