import type { App } from '@slack/bolt';
import { translator } from '../../cards/i18n/i18n';
import { renderFieldErrors } from '../../cards/slack';
import { replyCard } from '../pipeline/reply-card';
import { beforeAckDeadline, runSafely, type SlackDeps } from './slack-deps';
import { viewInteraction, viewSubmissionSchema } from './slack-payloads';
import { postToUser, readSubmission } from './slack-reply';

/** Every modal submission: a problem keeps the modal open under the field; otherwise it closes and the result is posted. */
export function registerViews(app: App, deps: SlackDeps): void {
  app.view(/.*/, async ({ ack, body, client }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) return ack();
    const { view, user } = parsed.data;
    const submission = readSubmission(view.callback_id, view.private_metadata, view.state.values);
    const work = runSafely(deps, viewInteraction(parsed.data, submission.metadata, submission.values), client);
    const early = await beforeAckDeadline(work);
    if (early?.reply.type === 'errors') return ack(renderFieldErrors(early.reply.errors));
    await ack();
    const outcome = early ?? (await work);
    if (outcome.duplicate) return;
    await postToUser(client, user.id, replyCard(outcome.reply, translator(outcome.locale)), submission.channelId);
  });
}
