import type { WebClient } from '@slack/web-api';
import type { CardModel, FormModel } from '../../cards/reply-model';
import { renderCardBlocks, renderFormView } from '../../cards/slack';

/** A modal carries its form's metadata, the field types (to read the answers back) and where to reply. */
export function formView(form: FormModel, channelId?: string) {
  const meta: Record<string, string> = {
    ...(form.metadata ?? {}),
    _f: form.fields.map((f) => `${f.id}:${f.type}`).join(','),
    ...(channelId ? { _ch: channelId } : {}),
  };
  return renderFormView(form, { privateMetadata: JSON.stringify(meta) });
}

/** The fields and metadata a submitted modal was opened with. */
export function formFromView(callbackId: string, meta: Record<string, string>): FormModel {
  // `_ch` (where to answer) is read by the submission handler, not part of the form's metadata.
  const { _f = '', _ch: _channel, ...metadata } = meta;
  const fields = _f
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [id, type] = pair.split(':');
      return { id: id!, type: type as 'text', label: id! };
    });
  return { kind: 'form', formId: callbackId as FormModel['formId'], title: '', submit: '', close: '', fields, metadata };
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

