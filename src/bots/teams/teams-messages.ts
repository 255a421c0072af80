import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { translator } from '../../cards/i18n/i18n';
import type { Interaction } from '../pipeline/interaction';
import { keepCommand, toQueued } from '../pipeline/queued-command';
import { maxCommandText } from '../pipeline/steps';
import { routeText } from '../registry';
import { teamsInteraction } from './teams-activity';
import { afterResponse, runSafely, type TeamsDeps } from './teams-deps';
import { cardActivity, renderReply } from './teams-render';

/**
 * Every typed message (an empty one or a bare @mention too: they get the help). The first word
 * picks the command as in Slack; a write is made durable and answered by the worker, a read is
 * answered at once.
 */
export function registerMessages(app: Application<TurnState>, deps: TeamsDeps): void {
  app.activity(ActivityTypes.Message, async (turn) => {
    const { entry, rest } = routeText(turn.activity.text ?? '');
    const interaction = teamsInteraction(turn.activity, 'msg', { kind: 'command', name: entry.name, text: rest }) as CommandInteraction | null;
    if (!interaction) return;
    if (deps.intake && rest.length <= maxCommandText && entry.writes(rest) === 'queued') return queue(deps, turn, interaction);
    const outcome = await runSafely(deps, interaction);
    // A repeat is answered again, with the first run's reply: Teams posts a message again when the
    // first post got no answer, which may mean the first reply never left.
    await turn.sendActivity(cardActivity(renderReply(outcome.reply, translator(interaction.profile?.locale ?? 'en'))));
  });
}

type CommandInteraction = Interaction & { inbound: { kind: 'command' } };

async function queue(deps: TeamsDeps, turn: TurnContext, interaction: CommandInteraction): Promise<void> {
  const reference = (interaction.conversation as { reference: unknown }).reference;
  const kept = await keepCommand(deps.intake!, toQueued(interaction, { reference }), () => deps.directory.tenantIdOf(interaction), deps.logger);
  if (!kept.ok) {
    await turn.sendActivity(translator(interaction.profile?.locale ?? 'en')(kept.textKey));
    return;
  }
  afterResponse(turn, kept.release);
}
