import type { Application, TurnState } from '@microsoft/teams-ai';
import { translator } from '../../cards/i18n/i18n';
import type { Inbound } from '../pipeline/interaction';
import { teamsInteraction } from './teams-activity';
import { runSafely, teamsFormValues, type TeamsDeps } from './teams-deps';
import { renderReply } from './teams-render';

const formVerb = 'form:';

/**
 * Buttons (Action.Execute: the verb is the action id, `data.value` what it carries) and forms
 * submitted from a card in the chat (`form:<formId>`): answered with the next card.
 */
export function registerInvokes(app: Application<TurnState>, deps: TeamsDeps): void {
  app.adaptiveCards.actionExecute(/[\s\S]*/, async (turn, _state, data: unknown) => {
    const verb = String((turn.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb ?? '').slice(0, 300);
    const fields = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
    const inbound: Inbound = verb.startsWith(formVerb)
      ? { kind: 'form', formId: verb.slice(formVerb.length), metadata: fields.metadata, values: teamsFormValues(verb.slice(formVerb.length), fields) }
      : { kind: 'action', action: verb, value: fields.value };
    const interaction = teamsInteraction(turn.activity, inbound.kind === 'form' ? 'form' : 'act', inbound, inbound.kind === 'form' ? formKey(fields.metadata) : undefined);
    const t = translator(turn.activity.locale ?? 'en');
    if (!interaction) return renderReply({ type: 'card', card: { kind: 'card', tone: 'warn', text: t('errors.forbidden.unknown_user') } }, t);
    const outcome = await runSafely(deps, interaction);
    return renderReply(outcome.reply, translator(outcome.locale));
  });
}

/** The key a form was rendered with (see withFormKey), if it is one. */
export function formKey(metadata: unknown): string | undefined {
  const key = (metadata as { _k?: unknown } | undefined)?._k;
  return typeof key === 'string' && /^[0-9a-f-]{36}$/i.test(key) ? key : undefined;
}
