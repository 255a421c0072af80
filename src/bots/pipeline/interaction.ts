import type { Platform } from './context';
import type { RawFormValues } from './form-spec';

/** What the person did, as every platform can describe it. Everything in it came from the client: nothing is trusted yet. */
export type Inbound =
  /** A slash command or a typed message: the command's name and the rest of the text. */
  | { kind: 'command'; name: string; text: string }
  /** A button or select on a card: its action id and the value it carries. */
  | { kind: 'action'; action: string; value: unknown }
  /** A submitted form: which one, what it carried, and the values as the platform read them. */
  | { kind: 'form'; formId: string; metadata: unknown; values: RawFormValues }
  /** Typeahead in a form field. */
  | { kind: 'suggest'; field: string; query: unknown }
  /** The App Home tab was opened (or needs refreshing after a click there). */
  | { kind: 'home' };

/** One inbound interaction on either platform: who, where, its idempotency key, and what they did. */
export type Interaction = {
  platform: Platform;
  /** Slack team id, or the Teams AAD tenant id. */
  workspaceId: string;
  /** Slack user id, or the Teams AAD object id. */
  userId: string;
  /** The person's own workspace when the platform says (Slack `user.team_id`): another one means a guest from outside. */
  homeWorkspaceId?: string;
  /** What the platform told us about the person, for first contact (Teams sends it along). */
  profile?: { name?: string; locale?: string; timezone?: string };
  /** From the platform's own ids (see requestKey): the same delivery twice has the same key. */
  key: string;
  /** When the person acted (epoch ms). */
  receivedAt: number;
  channel?: { id: string; name?: string; isDirect: boolean };
  /** Platform data about the conversation the directory may keep (a Teams conversation reference). */
  conversation?: unknown;
  inbound: Inbound;
};
