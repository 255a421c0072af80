import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { translator } from '../../cards/i18n/i18n';
import type { Outcome } from '../pipeline/pipeline';
import { replyCard } from '../pipeline/reply-card';
import { beforeAckDeadline, runSafely, type SlackDeps } from './slack-deps';
import { publishHome } from './slack-home';
import { actionInteraction, blockActionSchema, type SlackBlockAction } from './slack-payloads';
import { ephemeral, formView, postToUser } from './slack-reply';

/**
 * Every button and select: run first, then ack (so a click the platform saw acknowledged has
 * had its effect), then show the result where the click was.
 */
export function registerActions(app: App, deps: SlackDeps): void {
  app.action(/.*/, async ({ ack, body, client, respond }) => {
    const parsed = blockActionSchema.safeParse(body);
    if (!parsed.success) return ack();
    const work = runSafely(deps, actionInteraction(parsed.data), client);
    const early = await beforeAckDeadline(work);
    await ack();
    await show(deps, parsed.data, early ?? (await work), { client, respond });
  });
}

async function show(deps: SlackDeps, b: SlackBlockAction, outcome: Outcome, io: { client: WebClient; respond: RespondFn }): Promise<void> {
  const who = { workspaceId: b.team?.id ?? b.user.team_id ?? '', userId: b.user.id, homeWorkspaceId: b.user.team_id };
  const fromHome = b.container?.type === 'view' && b.view?.type === 'home';
  const { reply } = outcome;
  if (reply.type === 'form') {
    await io.client.views.open({ trigger_id: b.trigger_id, view: formView(reply.form, b.channel?.id) });
  } else if (!outcome.duplicate) {
    // A repeated delivery was answered the first time.
    const card = replyCard(reply, translator(outcome.locale));
    if (b.response_url && !fromHome) await io.respond({ ...ephemeral(card), replace_original: reply.type === 'card' && reply.replaceOriginal === true });
    else await postToUser(io.client, b.user.id, card, b.channel?.id);
  }
  if (fromHome) await publishHome(deps, io.client, who);
}
