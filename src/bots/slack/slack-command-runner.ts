import type { ChatCommandRunner, QueuedCommand } from '../../jobs/chat-command.job';
import type { Logger } from '../../logger';
import type { CardModel } from '../../cards/reply-model';
import { errorCard } from '../../cards/i18n/error-text';
import { translator } from '../../cards/i18n/i18n';
import type { SlackClients } from './slack-clients';
import { slackCommandContext, type SlackIdentityOptions } from './slack-identity';
import { ephemeral, postToUser } from './slack-reply';
import { isSlashCommand, slashCommands } from './slash-commands';

type Options = { identity: SlackIdentityOptions; clients: SlackClients; logger: Logger };

/**
 * Runs a slash command the web process acknowledged and queued, as the user who sent it, at the
 * time they sent it. What it writes carries the Slack trigger id, so a run repeated after a crash
 * finds its earlier result. The answer goes to the command's response_url; once that has expired
 * (30 minutes, e.g. after an outage) it goes to the user directly.
 */
export class SlackCommandRunner implements ChatCommandRunner {
  constructor(private readonly opts: Options) {}

  async run(command: QueuedCommand, attempt: { final: boolean }): Promise<string> {
    if (!isSlashCommand(command.command)) return `dropped: unknown command ${command.command}`;
    const clientOf = (tenantId: string) => this.opts.clients.clientFor(tenantId);
    const ctx = await slackCommandContext(this.opts.identity, command.teamId, command.userId, clientOf);
    if (!ctx) {
      await this.answer(command, { kind: 'card', tone: 'warn', text: translator('en')('errors.forbidden.unknown_user') }, null);
      return 'refused: unknown workspace';
    }
    let reply: CardModel;
    try {
      const result = await slashCommands[command.command]({ ...ctx, now: new Date(command.receivedAt), sourceKey: `slack.${command.requestId}` }, command.text);
      // Only writes are queued, and they answer with cards; a form could not open this late anyway.
      reply = result.type === 'card' ? result.card : errorCard(new Error('a queued command asked for a form'), ctx.t);
    } catch (err) {
      const expected = err instanceof Error && err.name === 'DomainError';
      if (!expected && !attempt.final) throw err;
      if (!expected) this.opts.logger.error({ err, command: command.command }, 'queued Slack command failed for good');
      reply = errorCard(err, ctx.t);
    }
    await this.answer(command, reply, ctx.tenant.id);
    return 'answered';
  }

  private async answer(command: QueuedCommand, card: CardModel, tenantId: string | null): Promise<void> {
    const res = await fetch(command.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ephemeral(card)),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) return;
    // 5xx: Slack is having trouble, try again later. 4xx: the URL is spent or expired.
    if (res.status >= 500 || !tenantId) throw new Error(`response_url answered ${res.status}`);
    await postToUser(await this.opts.clients.clientFor(tenantId), command.userId, card, command.channelId);
  }
}
