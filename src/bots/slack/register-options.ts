import type { App } from '@slack/bolt';
import { renderOptions } from '../../cards/slack';
import { readInteraction, suggestionSchema } from './slack-payloads';
import { runSafely, type SlackDeps } from './slack-deps';

/** Typeahead in modals (external selects): customers the person may see. */
export function registerOptions(app: App, deps: SlackDeps): void {
  app.options(/.*/, async ({ ack, body, client }) => {
    const parsed = suggestionSchema.safeParse(body);
    if (!parsed.success) return ack({ options: [] });
    const { user, team, action_id, value } = parsed.data;
    const outcome = await runSafely(deps, readInteraction(team?.id ?? user.team_id ?? '', user.id, user.team_id, { kind: 'suggest', field: action_id, query: value }), client);
    await ack(renderOptions(outcome.reply.type === 'options' ? outcome.reply.options : []));
  });
}
