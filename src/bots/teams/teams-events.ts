import type { TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { renderAdaptiveCard } from '../../cards/teams/adaptive-card';
import { translator } from '../../cards/i18n/i18n';
import type { MikroORM } from '../../db/orm';
import { overviewHelp } from '../registry';
import { teamsChannelId } from './teams-activity';
import { forgetReferences } from './teams-directory';
import type { TeamsDeps } from './teams-deps';
import { cardActivity } from './teams-render';

/** The bot joining a chat (it says what it can do), and leaving one (nothing more is sent there). */
export function registerEvents(app: Application<TurnState>, deps: TeamsDeps & { orm: MikroORM }): void {
  app.conversationUpdate('membersAdded', async (turn) => {
    const botId = turn.activity.recipient?.id;
    if (!(turn.activity.membersAdded ?? []).some((m) => m.id === botId)) return;
    const t = translator(turn.activity.locale ?? 'en');
    await turn.sendActivity(cardActivity(renderAdaptiveCard({ kind: 'card', text: overviewHelp({ t, platform: 'teams' }) })));
  });

  // Uninstalled (or the bot removed from the chat): stop sending there until they talk to it again.
  const forget = async (turn: TurnContext) => {
    const conversationId = turn.activity.conversation?.id;
    if (!conversationId || conversationId.length > 500) return;
    const db = deps.orm.em.fork().getConnection();
    await db.execute(`update teams_conversations set active = false, updated_at = now() where conversation_id = ?`, [conversationId]);
    await db.execute(`update teams_channels set active = false, updated_at = now() where conversation_id = ?`, [teamsChannelId(conversationId)]);
    forgetReferences();
    deps.logger.info({ conversation: conversationId }, 'Teams app removed from a conversation');
  };
  app.activity('installationUpdate', async (turn) => {
    if ((turn.activity as { action?: string }).action?.startsWith('remove')) await forget(turn);
  });
  app.conversationUpdate('membersRemoved', async (turn) => {
    if ((turn.activity.membersRemoved ?? []).some((m) => m.id === turn.activity.recipient?.id)) await forget(turn);
  });
}
