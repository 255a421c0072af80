import type { EntityManager } from '@mikro-orm/postgresql';
import { IANAZone } from 'luxon';
import { toLocale } from '../../cards/i18n/i18n';
import type { MikroORM } from '../../db/orm';
import type { ChatIdentity } from '../../domain/org/register-chat-user';
import type { User } from '../../domain/org/user.entity';
import { ensureWorkspaceTenant } from '../../domain/tenants/ensure-workspace-tenant';
import { findWorkspaceTenant } from '../../domain/tenants/find-workspace-tenant';
import type { Tenant } from '../../domain/tenants/tenant.entity';
import type { ChatDirectory } from '../pipeline/identify';
import type { Interaction } from '../pipeline/interaction';
import type { TeamsConversation } from './teams-activity';

/**
 * Teams' people: an AAD tenant is a tenant, created on its first message; a new person becomes a
 * rep with the locale and time zone their client sent. Each conversation's reference is kept (for
 * reminders and reports later) — written only when it changed, not on every message.
 */
export class TeamsDirectory implements ChatDirectory {
  readonly platform = 'teams' as const;

  constructor(private readonly orm: MikroORM) {}

  /** A new AAD tenant is created before the interaction's transaction: two first messages at once must not abort it. */
  async prepare(em: EntityManager, interaction: Interaction): Promise<void> {
    if (cachedTenant(interaction.workspaceId)) return;
    const tenant =
      (await findWorkspaceTenant(em, 'teams', interaction.workspaceId)) ??
      (await ensureWorkspaceTenant(em, { platform: 'teams', workspaceId: interaction.workspaceId, name: `Teams ${interaction.workspaceId.slice(0, 8)}` }));
    tenantCache.set(interaction.workspaceId, { tenant, until: Date.now() + tenantCacheMs });
  }

  async tenantOf(em: EntityManager, interaction: Interaction): Promise<Tenant | null> {
    const cached = cachedTenant(interaction.workspaceId);
    if (cached) return cached;
    const tenant = await findWorkspaceTenant(em, 'teams', interaction.workspaceId);
    if (tenant) tenantCache.set(interaction.workspaceId, { tenant, until: Date.now() + tenantCacheMs });
    return tenant;
  }

  /** The tenant's id on its own unit of work (the slow path of a queued command, when Redis is down). */
  async tenantIdOf(interaction: Interaction): Promise<string | null> {
    const em = this.orm.em.fork();
    await this.prepare(em, interaction);
    return (await this.tenantOf(em, interaction))?.id ?? null;
  }

  identity(interaction: Interaction): ChatIdentity {
    return { platform: 'teams', tenantId: interaction.workspaceId, aadObjectId: interaction.userId };
  }

  async profileOf(interaction: Interaction, tenant: Tenant) {
    const tz = interaction.profile?.timezone;
    return {
      name: interaction.profile?.name || interaction.userId,
      email: null,
      locale: toLocale(interaction.profile?.locale ?? tenant.defaultLocale),
      timezone: tz && IANAZone.isValidZone(tz) ? tz : tenant.defaultTimezone,
    };
  }

  async remember(em: EntityManager, interaction: Interaction, user: User, tenant: Tenant): Promise<void> {
    const conversation = interaction.conversation as TeamsConversation | undefined;
    const id = interaction.channel?.id;
    if (!conversation || !id) return;
    const shared = conversation.type === 'channel' || conversation.type === 'groupChat';
    const cacheKey = shared ? `channel:${id}` : `user:${user.id}`;
    const signature = `${id}|${conversation.reference.serviceUrl ?? ''}`;
    const seen = references.get(cacheKey);
    if (seen && seen.signature === signature && seen.until > Date.now()) return;
    if (shared) {
      // A reply in a channel thread carries ";messageid=…": posting to the bare id starts a new thread.
      const reference = { ...conversation.reference, conversation: { ...conversation.reference.conversation!, id } };
      await em.execute(
        `insert into teams_channels (conversation_id, tenant_id, reference, active, updated_at) values (?, ?, ?, true, now())
         on conflict (conversation_id) do update set reference = excluded.reference, active = true, updated_at = now()`,
        [id, tenant.id, JSON.stringify(reference)],
      );
    } else {
      await em.execute(
        `insert into teams_conversations (user_id, tenant_id, conversation_id, reference, active, updated_at) values (?, ?, ?, ?, true, now())
         on conflict (user_id) do update set conversation_id = excluded.conversation_id, reference = excluded.reference, active = true, updated_at = now()`,
        [user.id, tenant.id, conversation.reference.conversation?.id ?? '', JSON.stringify(conversation.reference)],
      );
    }
    if (references.size > 50_000) references.clear();
    references.set(cacheKey, { signature, until: Date.now() + referenceCacheMs });
  }
}

// Tenants' settings change rarely: a minute-old copy saves a query per message.
const tenantCache = new Map<string, { tenant: Tenant; until: number }>();
const tenantCacheMs = 60_000;

function cachedTenant(workspaceId: string): Tenant | null {
  const hit = tenantCache.get(workspaceId);
  return hit && hit.until > Date.now() ? hit.tenant : null;
}

// A reference another replica marked inactive (an uninstall) is written again within this time.
const referenceCacheMs = 5 * 60_000;
const references = new Map<string, { signature: string; until: number }>();

/** After an uninstall: the next message from there writes the reference again (and so turns it back on). */
export function forgetReferences(): void {
  references.clear();
}
