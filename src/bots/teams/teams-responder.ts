import { TurnContext, type ConversationReference } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { translator } from '../../cards/i18n/i18n';
import type { Logger } from '../../logger';
import type { Reply } from '../pipeline/context';
import type { QueuedChatCommand, Responder } from '../pipeline/queued-command';
import { cardActivity, renderReply } from './teams-render';

/** Answers a queued Teams command in the conversation it came from, as a reply to the message. */
export class TeamsResponder implements Responder {
  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly appId: string,
    private readonly logger: Logger,
  ) {}

  async answer(command: QueuedChatCommand, reply: Reply, { locale }: { locale: string }): Promise<void> {
    const reference = command.replyTo.reference as Partial<ConversationReference> | undefined;
    if (!reference?.serviceUrl || !reference.conversation?.id) throw new Error('no conversation to answer in');
    // The stored reference names the person's message: the answer is a reply to it (a thread in a channel).
    // turn.sendActivity would reply to the proactive turn's own made-up activity instead.
    const activity = TurnContext.applyConversationReference({ type: 'message', ...cardActivity(renderReply(reply, translator(locale))) }, reference);
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (turn) => {
        await turn.adapter.sendActivities(turn, [activity]);
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      // The bot was removed or the chat is gone: no retry will reach them.
      if (status === 403 || status === 404) return void this.logger.warn({ status }, 'could not answer in Teams: conversation gone');
      throw err;
    }
  }
}
