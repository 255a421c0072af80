import { randomUUID } from 'node:crypto';
import { TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import { requestKey } from '../pipeline/request-log';
import type { Inbound, Interaction } from '../pipeline/interaction';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/**
 * The parts of a Bot Framework activity the bot reads, bounded. In production the adapter checks
 * the token; the body is still whatever the sender put in it, so it is parsed before any use.
 */
export const activitySchema = z
  .object({
    type: z.string().min(1).max(50),
    id: z.string().max(200).optional(),
    name: z.string().max(100).optional(),
    text: z.string().max(100_000).optional(),
    locale: z.string().max(20).optional(),
    serviceUrl: z.string().max(500).optional(),
    replyToId: z.string().max(200).optional(),
    from: z.object({ id: z.string().max(200), aadObjectId: guid.optional(), name: z.string().max(200).optional(), tenantId: z.string().max(64).optional() }).passthrough().optional(),
    conversation: z.object({ id: z.string().max(500), conversationType: z.string().max(30).optional(), tenantId: z.string().max(64).optional() }).passthrough().optional(),
    channelData: z.object({ tenant: z.object({ id: z.string().max(64) }).passthrough().optional() }).passthrough().optional(),
    entities: z.array(z.record(z.unknown())).max(50).optional(),
  })
  .passthrough();

/** A Teams conversation id without the thread part (";messageid=…"). */
export const teamsChannelId = (conversationId: string | undefined): string | undefined => conversationId?.split(';messageid=')[0];

/** The Teams client's time zone, when it says (a `clientInfo` entity). */
const clientTimezone = (activity: Partial<Activity>): string | undefined => {
  const tz = (activity.entities as Array<{ type?: string; timezone?: unknown }> | undefined)?.find((e) => e.type === 'clientInfo')?.timezone;
  return typeof tz === 'string' && tz.length <= 64 ? tz : undefined;
};

export type TeamsConversation = { reference: Partial<ReturnType<typeof TurnContext.getConversationReference>>; type: string };

/** The interaction an activity is, or null when it names no person (no AAD user or tenant). */
export function teamsInteraction(activity: Partial<Activity>, kind: string, inbound: Inbound, keyPart?: string): Interaction | null {
  const tenantId = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  const aadObjectId = activity.from?.aadObjectId;
  if (!tenantId || !aadObjectId) return null;
  const type = activity.conversation?.conversationType ?? 'personal';
  const channelId = teamsChannelId(activity.conversation?.id);
  const homeTenant = (activity.from as { tenantId?: string } | undefined)?.tenantId;
  return {
    platform: 'teams',
    workspaceId: tenantId,
    userId: aadObjectId,
    ...(homeTenant ? { homeWorkspaceId: homeTenant } : {}),
    profile: { name: activity.from?.name, locale: activity.locale, timezone: clientTimezone(activity) },
    key: requestKey('teams', kind, aadObjectId, keyPart ?? activity.id ?? randomUUID()),
    receivedAt: Date.now(),
    channel: channelId ? { id: channelId, isDirect: type === 'personal' } : undefined,
    conversation: { reference: TurnContext.getConversationReference(activity), type } satisfies TeamsConversation,
    inbound,
  };
}
