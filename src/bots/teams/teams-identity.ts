import type { Activity } from 'botbuilder';
import { TurnContext } from 'botbuilder';
import type { MikroORM } from '../../db/orm';
import { findChatUser, registerChatUser } from '../../domain/org/register-chat-user';
import { userActor } from '../../domain/shared/actor';
import { ensureWorkspaceTenant } from '../../domain/tenants/ensure-workspace-tenant';
import type { CommandContext } from '../commands/command-context';
import { toLocale, translator } from '../../cards/i18n/i18n';

/** The Teams client's time zone, when it says (a `clientInfo` entity). */
const clientTimezone = (activity: Partial<Activity>): string | undefined =>
  (activity.entities as Array<{ type?: string; timezone?: string }> | undefined)?.find((e) => e.type === 'clientInfo')?.timezone;

/**
 * Maps a Teams user (AAD object id in an AAD tenant) to a tenant user, creating the tenant on the
 * first message from that AAD tenant and the user as a rep with Teams' locale and time zone; keeps
 * their conversation reference for proactive messages. Null when the activity names no user.
 */
export async function teamsCommandContext(orm: MikroORM, activity: Partial<Activity>): Promise<CommandContext | null> {
  const aadTenantId = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  const aadObjectId = activity.from?.aadObjectId;
  if (!aadTenantId || !aadObjectId) return null;
  const em = orm.em.fork();
  const tenant = await ensureWorkspaceTenant(em, { platform: 'teams', workspaceId: aadTenantId, name: `Teams ${aadTenantId.slice(0, 8)}` });
  const identity = { platform: 'teams' as const, tenantId: aadTenantId, aadObjectId };
  const user =
    (await findChatUser(em, tenant.id, identity)) ??
    (await registerChatUser(em, tenant.id, identity, {
      name: activity.from?.name || aadObjectId,
      email: null,
      locale: toLocale(activity.locale ?? tenant.defaultLocale),
      timezone: clientTimezone(activity) || tenant.defaultTimezone,
    }));
  const channelId = teamsChannelId(activity.conversation?.id);
  if (activity.conversation?.conversationType === 'channel' || activity.conversation?.conversationType === 'groupChat') {
    // A reply in a channel thread carries ";messageid=…": posting to the bare id starts a new thread.
    const reference = TurnContext.getConversationReference(activity);
    const channelReference = { ...reference, conversation: { ...reference.conversation!, id: channelId! } };
    await em.getConnection().execute(
      `insert into teams_channels (conversation_id, tenant_id, reference, active, updated_at) values (?, ?, ?, true, now())
       on conflict (conversation_id) do update set reference = excluded.reference, active = true, updated_at = now()`,
      [channelId, tenant.id, JSON.stringify(channelReference)],
    );
  } else {
    const reference = TurnContext.getConversationReference(activity);
    await em.getConnection().execute(
      `insert into teams_conversations (user_id, tenant_id, conversation_id, reference, active, updated_at) values (?, ?, ?, ?, true, now())
       on conflict (user_id) do update set conversation_id = excluded.conversation_id, reference = excluded.reference, active = true, updated_at = now()`,
      [user.id, tenant.id, activity.conversation?.id ?? '', JSON.stringify(reference)],
    );
  }
  const actor = { ...userActor(tenant.id, user.id, user.role), perRequest: {} };
  return { em, tenant, user, actor, t: translator(user.locale), now: new Date(), channel: channelId ? { platform: 'teams', id: channelId } : undefined };
}

/** A Teams conversation id without the thread part (";messageid=…"). */
export const teamsChannelId = (conversationId: string | undefined): string | undefined => conversationId?.split(';messageid=')[0];
