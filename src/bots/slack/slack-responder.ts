import { translator } from '../../cards/i18n/i18n';
import type { Reply } from '../pipeline/context';
import type { QueuedChatCommand, Responder } from '../pipeline/queued-command';
import { replyCard } from '../pipeline/reply-card';
import type { SlackClients } from './slack-clients';
import { ephemeral, postToUser } from './slack-reply';

/**
 * Answers a queued Slack command through its response_url, in place of the ack's "On it…";
 * once that has expired (30 minutes,
 * e.g. after an outage) the answer goes to the person directly.
 */
export class SlackResponder implements Responder {
  constructor(private readonly clients: SlackClients) {}

  async answer(command: QueuedChatCommand, reply: Reply, { tenantId, locale }: { tenantId?: string; locale: string }): Promise<void> {
    const card = replyCard(reply, translator(locale));
    const responseUrl = typeof command.replyTo.responseUrl === 'string' ? command.replyTo.responseUrl : '';
    if (responseUrl) {
      // The answer takes the place of the "On it…" the ack showed (Slack keeps both where it cannot).
      const res = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ephemeral(card), replace_original: true }), signal: AbortSignal.timeout(10_000) });
      if (res.ok) return;
      // 5xx: Slack is having trouble, try again later. 4xx: the URL is spent or expired.
      if (res.status >= 500 || !tenantId) throw new Error(`response_url answered ${res.status}`);
    }
    if (!tenantId) throw new Error('no way to answer: no response_url and no tenant');
    await postToUser(await this.clients.clientFor(tenantId), command.userId, card, command.channel?.id);
  }
}
