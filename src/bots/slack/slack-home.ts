import type { WebClient } from '@slack/web-api';
import { renderHomeView } from '../../cards/slack';
import { readInteraction } from './slack-payloads';
import { runSafely, type SlackDeps } from './slack-deps';

/** The App Home tab, as the pipeline builds it for this person. */
export async function publishHome(deps: SlackDeps, client: WebClient, who: { workspaceId: string; userId: string; homeWorkspaceId?: string }): Promise<void> {
  const outcome = await runSafely(deps, readInteraction(who.workspaceId, who.userId, who.homeWorkspaceId, { kind: 'home' }), client);
  if (outcome.reply.type !== 'home') return;
  await client.views.publish({ user_id: who.userId, view: renderHomeView(outcome.reply.cards) }).catch((err: Error) => deps.logger.error({ err: err.message }, 'could not publish App Home'));
}
