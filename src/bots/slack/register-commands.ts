import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { translator } from '../../cards/i18n/i18n';
import type { Interaction } from '../pipeline/interaction';
import { keepCommand, toQueued } from '../pipeline/queued-command';
import { replyCard } from '../pipeline/reply-card';
import { maxCommandText } from '../pipeline/steps';
import { commandNamed, commands } from '../registry';
import { ackLocaleOf, knowsLocaleOf } from './slack-directory';
import { beforeAckDeadline, runSafely, type SlackDeps } from './slack-deps';
import { commandInteraction, commandSchema, type SlackCommandPayload } from './slack-payloads';
import { ephemeral, formView } from './slack-reply';

type Ack = (body?: string | Record<string, unknown>) => Promise<void>;

const slashPattern = new RegExp(`^/(${commands.map((c) => c.name).join('|')})$`);

const workingTexts = new Map<string, string>();
const workingText = (locale: string): string => {
  let text = workingTexts.get(locale);
  if (!text) workingTexts.set(locale, (text = translator(locale)('common.working')));
  return text;
};

/** One listener for every command in the registry (Bolt runs every listener's matcher on every request). */
export function registerCommands(app: App, deps: SlackDeps): void {
  app.command(slashPattern, async ({ command, ack, respond, client }) => {
    const payload = commandSchema.safeParse(command);
    if (!payload.success) return ack({ response_type: 'ephemeral', text: translator('en')('errors.badPayload') });
    const interaction = commandInteraction(payload.data);
    const text = payload.data.text;
    const queued = text.length <= maxCommandText && commandNamed(interaction.inbound.name)?.writes(text) === 'queued';
    if (queued && deps.intake) return queue(deps, interaction, payload.data, ack);
    return answerNow(deps, interaction, payload.data, { ack, respond, client });
  });
}

/** A write: durable first (Redis, else PostgreSQL), then the ack, then the worker may answer. */
async function queue(deps: SlackDeps, interaction: Interaction & { inbound: { kind: 'command' } }, c: SlackCommandPayload, ack: Ack): Promise<void> {
  const locale = ackLocaleOf(c.team_id, c.user_id);
  const guessed = !knowsLocaleOf(c.team_id, c.user_id);
  const command = toQueued(interaction, { responseUrl: c.response_url });
  const kept = await keepCommand(deps.intake!, command, () => deps.tenantIdOf(c.team_id), deps.logger);
  if (!kept.ok) return ack({ response_type: 'ephemeral', text: translator(locale)(kept.textKey) });
  const release = kept.release;
  await ack({ response_type: 'ephemeral', text: workingText(locale) });
  release();
  if (guessed) void deps.learnLocale(c.team_id, c.user_id).catch(() => undefined);
}

/** A read or a quick write: answered in the ack, or by response_url if it takes longer than Slack waits. */
async function answerNow(deps: SlackDeps, interaction: Interaction, c: SlackCommandPayload, io: { ack: Ack; respond: RespondFn; client: WebClient }): Promise<void> {
  const work = runSafely(deps, interaction, io.client);
  const early = await beforeAckDeadline(work);
  if (!early) {
    await io.ack({ response_type: 'ephemeral', text: '⏳' });
    const late = await work;
    await io.respond(ephemeral(replyCard(late.reply, translator(late.locale))));
    return;
  }
  if (early.reply.type === 'form') {
    await io.ack();
    await io.client.views.open({ trigger_id: c.trigger_id, view: formView(early.reply.form, c.channel_id) });
    return;
  }
  await io.ack(ephemeral(replyCard(early.reply, translator(early.locale))));
}
