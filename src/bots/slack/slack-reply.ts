import type { WebClient } from '@slack/web-api';
import { readFormMetadata, readFormValues, renderCardBlocks, renderFormView } from '../../cards/slack';
import type { CardModel, FormModel } from '../../cards/reply-model';
import type { RawFormValues } from '../pipeline/form-spec';
import { formNamed } from '../pipeline/tables';

/** A modal carries its form's metadata and where to post the result (`_ch`); the field types come from the form's spec. */
export function formView(form: FormModel, channelId?: string) {
  const meta: Record<string, string> = { ...(form.metadata ?? {}), ...(channelId ? { _ch: channelId } : {}) };
  return renderFormView(form, { privateMetadata: JSON.stringify(meta) });
}

/** What a submitted modal carried and what was typed in it, read by the form's spec (never by anything the client sent about it). */
export function readSubmission(callbackId: string, privateMetadata: string, stateValues: unknown): { metadata: Record<string, string>; channelId?: string; values: RawFormValues } {
  const { _ch: channelId, ...metadata } = readFormMetadata(privateMetadata);
  const spec = formNamed(callbackId)?.fields ?? {};
  const fields = Object.entries(spec).map(([id, f]) => ({ id, type: f.type }));
  return { metadata, channelId: channelId && /^[CDG][A-Z0-9]{1,23}$/.test(channelId) ? channelId : undefined, values: readFormValues({ fields }, stateValues) };
}

export const ephemeral = (card: CardModel) => ({ response_type: 'ephemeral' as const, ...renderCardBlocks(card) });

/** Where a result goes when there is no response_url (App Home, modal submissions): the channel, else a DM. */
export async function postToUser(client: WebClient, userId: string, card: CardModel, channelId?: string): Promise<void> {
  const message = renderCardBlocks(card);
  if (channelId && !channelId.startsWith('D')) {
    await client.chat.postEphemeral({ channel: channelId, user: userId, ...message });
  } else {
    await client.chat.postMessage({ channel: userId, ...message });
  }
}
