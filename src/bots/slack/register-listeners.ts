import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { actionOf, readFormMetadata, readFormValues, renderFieldErrors, renderHomeView, renderOptions } from '../../cards/slack';
import type { Logger } from '../../logger';
import { handleAction } from '../commands/actions';
import type { CommandContext, CommandResult } from '../commands/command-context';
import { suggestCustomers } from '../commands/customer.command';
import { errorCard } from '../../cards/i18n/error-text';
import { handleFormSubmission } from '../commands/forms';
import { homeCards } from '../commands/home';
import { runsQueued } from '../commands/queued-commands';
import type { QueuedCommand } from '../../jobs/chat-command.job';
import { translator } from '../../cards/i18n/i18n';
import type { PostgresInstallationStore } from './installation-store';
import { ackLocaleOf, slackCommandContext, type SlackIdentityOptions } from './slack-identity';
import { ephemeral, formFromView, formView, postToUser } from './slack-reply';
import { isSlashCommand, slashCommands } from './slash-commands';

type Deps = {
  identity: SlackIdentityOptions;
  logger: Logger;
  installationStore?: PostgresInstallationStore;
  /** Queues a writing command for the worker; absent or failing, the command runs here. */
  queueCommand?: (command: QueuedCommand) => Promise<void>;
  /** Hands other work (an on-demand report) to the worker. */
  enqueue?: CommandContext['enqueue'];
};

// Slack gives 3 s; leave room for the network. Past this we ack "working on it" and answer later.
const ackDeadlineMs = 2300;

const workingTexts = new Map<string, string>();
const workingText = (locale: string): string => {
  let text = workingTexts.get(locale);
  if (!text) workingTexts.set(locale, (text = translator(locale)('common.working')));
  return text;
};

export function registerSlackListeners(app: App, deps: Deps): void {
  const { logger } = deps;

  /** Runs a handler; any failure becomes a card in the user's language, logged if unexpected. */
  const safely = async (ctx: CommandContext, work: () => Promise<CommandResult>): Promise<CommandResult> => {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof Error && err.name === 'DomainError')) logger.error({ err }, 'slack handler failed');
      return { type: 'card', card: errorCard(err, ctx.t) };
    }
  };

  const contextFor = async (teamId: string | undefined, userId: string, client: WebClient): Promise<CommandContext | null> => {
    if (!teamId) return null;
    return slackCommandContext(deps.identity, teamId, userId, client);
  };

  // One listener for all commands: Bolt runs every listener's matchers on every request.
  app.command(/^\/(visit|customer|opp|sfa|report|quote|product)$/, async ({ command, ack, respond, client }) => {
    const name = command.command.slice(1);
    if (!isSlashCommand(name)) return;
    const handler = slashCommands[name];
    const text = command.text ?? '';
    if (deps.queueCommand && command.team_id && runsQueued(name, text)) {
      // Acked before queuing, so the worker's answer can never arrive ahead of the ack.
      await ack({ response_type: 'ephemeral', text: workingText(ackLocaleOf(command.team_id, command.user_id)) });
      try {
        await deps.queueCommand({
          platform: 'slack',
          teamId: command.team_id,
          userId: command.user_id,
          channelId: command.channel_id,
          command: name,
          text,
          responseUrl: command.response_url,
          requestId: command.trigger_id,
          receivedAt: Date.now(),
        });
        return;
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'command queue unavailable: running the command here');
      }
      const found = await contextFor(command.team_id, command.user_id, client).catch((err) => {
        logger.error({ err }, 'could not identify Slack user');
        return undefined;
      });
      const ctx = found && { ...found, sourceKey: `slack.${command.trigger_id}` };
      const reply = ctx ? await safely(ctx, () => handler(ctx, text)) : undefined;
      if (reply?.type === 'card') await respond(ephemeral(reply.card));
      else await respond({ response_type: 'ephemeral', text: translator('en')(found === null ? 'errors.forbidden.unknown_user' : 'errors.internal') });
      return;
    }
    let ctx: CommandContext | null;
    try {
      ctx = await contextFor(command.team_id, command.user_id, client);
    } catch (err) {
      logger.error({ err }, 'could not identify Slack user');
      await ack({ response_type: 'ephemeral', text: translator('en')('errors.internal') });
      return;
    }
    if (!ctx) {
      await ack({ response_type: 'ephemeral', text: translator('en')('errors.forbidden.unknown_user') });
      return;
    }
    const c: CommandContext = { ...ctx, channel: { platform: 'slack', id: command.channel_id, name: command.channel_name }, enqueue: deps.enqueue };
    const work = safely(c, () => handler(c, text));
    const early = await Promise.race([work, new Promise<null>((resolve) => setTimeout(() => resolve(null), ackDeadlineMs).unref())]);
    if (early === null) {
      await ack({ response_type: 'ephemeral', text: '⏳' });
      const late = await work;
      await respond(late.type === 'card' ? ephemeral(late.card) : ephemeral(errorCard(new Error('form too late'), c.t)));
      return;
    }
    if (early.type === 'card') {
      await ack(ephemeral(early.card));
    } else {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: formView(early.form, command.channel_id) });
    }
  });

  app.action(/^(customer|visit|opp|quote)\./, async ({ ack, body, action, client, respond }) => {
    await ack();
    const block = body as BlockAction;
    const button = action as ButtonAction;
    const ctx = await contextFor(block.team?.id ?? block.user.team_id, block.user.id, client).catch((err) => {
      logger.error({ err }, 'could not identify Slack user');
      return null;
    });
    if (!ctx) return;
    const result = await safely(ctx, () => handleAction(ctx, actionOf(button.action_id), button.value ?? ''));
    const fromHome = block.container?.type === 'view' && block.view?.type === 'home';
    if (result.type === 'form') {
      await client.views.open({ trigger_id: block.trigger_id, view: formView(result.form, block.channel?.id) });
    } else if (block.response_url && !fromHome) {
      await respond({ ...ephemeral(result.card), replace_original: result.replaceOriginal === true });
    } else {
      await postToUser(client, block.user.id, result.card, block.channel?.id);
    }
    if (fromHome) await publishHome(ctx, client, block.user.id);
  });

  app.view(/^(customer|visit|opp|quote)\./, async ({ ack, body, view, client }) => {
    const ctx = await contextFor(body.team?.id ?? body.user.team_id, body.user.id, client).catch(() => null);
    if (!ctx) {
      await ack({ response_action: 'errors', errors: {} } as never);
      return;
    }
    const meta = readFormMetadata(view.private_metadata);
    const form = formFromView(view.callback_id, meta);
    let result;
    try {
      result = await handleFormSubmission(ctx, form, readFormValues(form, view.state.values));
    } catch (err) {
      logger.error({ err }, 'slack form submission failed');
      result = { type: 'done' as const, card: errorCard(err, ctx.t) };
    }
    if (result.type === 'errors') {
      await ack(renderFieldErrors(result.errors));
      return;
    }
    await ack();
    if (result.card) await postToUser(client, body.user.id, result.card, meta._ch);
  });

  app.options('customer', async ({ ack, body, client }) => {
    const ctx = await contextFor(body.team?.id ?? body.user.team_id, body.user.id, client).catch(() => null);
    if (!ctx) {
      await ack({ options: [] });
      return;
    }
    const items = await suggestCustomers(ctx, body.value ?? '').catch(() => []);
    await ack(renderOptions(items));
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const ctx = await contextFor(body.team_id, event.user, client).catch(() => null);
    if (ctx) await publishHome(ctx, client, event.user);
  });

  app.event('app_uninstalled', async ({ body }) => {
    await deps.installationStore?.deleteInstallation({ teamId: body.team_id, enterpriseId: body.enterprise_id, isEnterpriseInstall: false });
    logger.info({ team: body.team_id }, 'Slack app uninstalled: installation removed');
  });

  app.event('tokens_revoked', async ({ event, body }) => {
    if ((event.tokens.bot ?? []).length > 0) {
      await deps.installationStore?.deleteInstallation({ teamId: body.team_id, enterpriseId: body.enterprise_id, isEnterpriseInstall: false });
      logger.info({ team: body.team_id }, 'Slack bot token revoked: installation removed');
    }
  });

  async function publishHome(ctx: CommandContext, client: WebClient, userId: string): Promise<void> {
    try {
      await client.views.publish({ user_id: userId, view: renderHomeView(await homeCards(ctx)) });
    } catch (err) {
      logger.error({ err }, 'could not publish App Home');
    }
  }
}
