import { z } from 'zod';
import { requestKey } from '../pipeline/request-log';
import type { Interaction } from '../pipeline/interaction';
import type { RawFormValues } from '../pipeline/form-spec';

/**
 * What Slack sends, parsed before anything reads it. The signature proves Slack sent a request,
 * not that its parts are sane: ids are Slack ids, strings are capped, and anything else is refused.
 */
const slackId = z.string().regex(/^[A-Z0-9]{1,24}$/);
const userSchema = z.object({ id: slackId, team_id: slackId.optional() });
const teamSchema = z.object({ id: slackId }).nullish();
const url = z.string().url().max(500);

export const commandSchema = z.object({
  team_id: slackId,
  user_id: slackId,
  channel_id: slackId,
  channel_name: z.string().max(100).optional(),
  command: z.string().max(40),
  // Any length: a text over what a command may hold is answered "too long" in the person's language.
  text: z.string().default(''),
  trigger_id: z.string().min(1).max(100),
  response_url: url,
});
export type SlackCommandPayload = z.infer<typeof commandSchema>;

export const blockActionSchema = z.object({
  user: userSchema,
  team: teamSchema,
  trigger_id: z.string().min(1).max(100),
  actions: z.array(z.object({ action_id: z.string().max(255), action_ts: z.string().max(40), value: z.string().max(2000).optional(), selected_option: z.object({ value: z.string().max(2000) }).optional() })).min(1),
  container: z.object({ type: z.string().max(40), view_id: z.string().max(40).optional() }).passthrough().optional(),
  view: z.object({ id: z.string().max(40), type: z.string().max(40) }).passthrough().optional(),
  channel: z.object({ id: slackId }).passthrough().optional(),
  response_url: url.optional(),
});
export type SlackBlockAction = z.infer<typeof blockActionSchema>;

export const viewSubmissionSchema = z.object({
  user: userSchema,
  team: teamSchema,
  view: z.object({ id: z.string().max(40), callback_id: z.string().max(255), private_metadata: z.string().max(3000).default(''), state: z.object({ values: z.record(z.record(z.unknown())) }).default({ values: {} }) }),
});
export type SlackViewSubmission = z.infer<typeof viewSubmissionSchema>;

export const suggestionSchema = z.object({ user: userSchema, team: teamSchema, action_id: z.string().max(255), value: z.string().default('') });

const workspaceOf = (payload: { team?: { id: string } | null; user: { team_id?: string } }) => payload.team?.id ?? payload.user.team_id ?? '';

export function commandInteraction(c: SlackCommandPayload): Interaction & { inbound: { kind: 'command' } } {
  return {
    platform: 'slack',
    workspaceId: c.team_id,
    userId: c.user_id,
    key: requestKey('slack', 'cmd', c.trigger_id),
    receivedAt: Date.now(),
    channel: { id: c.channel_id, name: c.channel_name, isDirect: c.channel_id.startsWith('D') },
    inbound: { kind: 'command', name: c.command.replace(/^\//, ''), text: c.text },
  };
}

/** A click: the rendered action id is `<action>:<index>`; the key is the click's own timestamp and who clicked. */
export function actionInteraction(b: SlackBlockAction): Interaction {
  const action = b.actions[0]!;
  return {
    platform: 'slack',
    workspaceId: workspaceOf(b),
    userId: b.user.id,
    homeWorkspaceId: b.user.team_id,
    key: requestKey('slack', 'act', b.user.id, action.action_ts),
    receivedAt: Date.now(),
    channel: b.channel ? { id: b.channel.id, isDirect: b.channel.id.startsWith('D') } : undefined,
    inbound: { kind: 'action', action: action.action_id.split(':')[0]!, value: action.value ?? action.selected_option?.value ?? '' },
  };
}

export function viewInteraction(v: SlackViewSubmission, metadata: Record<string, string>, values: RawFormValues): Interaction {
  return {
    platform: 'slack',
    workspaceId: workspaceOf(v),
    userId: v.user.id,
    homeWorkspaceId: v.user.team_id,
    key: requestKey('slack', 'view', v.user.id, v.view.id),
    receivedAt: Date.now(),
    inbound: { kind: 'form', formId: v.view.callback_id, metadata, values },
  };
}

export function readInteraction(workspaceId: string, userId: string, homeWorkspaceId: string | undefined, inbound: Interaction['inbound']): Interaction {
  return { platform: 'slack', workspaceId, userId, homeWorkspaceId, key: requestKey('slack', 'read', userId, String(Date.now())), receivedAt: Date.now(), inbound };
}
