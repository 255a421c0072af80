import { CardFactory } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { translator } from '../../cards/i18n/i18n';
import { dialogOpenVerb, dialogSubmitVerb, renderAdaptiveCard, renderAdaptiveForm } from '../../cards/teams/adaptive-card';
import { replyCard } from '../pipeline/reply-card';
import { teamsInteraction } from './teams-activity';
import { runSafely, teamsFormValues, type TeamsDeps } from './teams-deps';
import { formKey } from './teams-invokes';
import { cardActivity, echoedForm, withFormKey } from './teams-render';

/** Forms open as Teams dialogs (task modules); a wrong value keeps the dialog open saying what to fix. */
export function registerDialogs(app: Application<TurnState>, deps: TeamsDeps): void {
  app.taskModules.fetch(dialogOpenVerb, async (turn, _state, data: { form?: unknown }) => {
    const form = echoedForm(data?.form);
    if (!form) return translator(turn.activity.locale ?? 'en')('errors.outdatedCard');
    return { title: form.title, width: 'medium', height: 'large', card: CardFactory.adaptiveCard(renderAdaptiveForm(withFormKey(form), { inDialog: true })) };
  });

  app.taskModules.submit(dialogSubmitVerb, async (turn, _state, data: Record<string, unknown>) => {
    const fields = data && typeof data === 'object' ? data : {};
    const formId = typeof fields.formId === 'string' ? fields.formId.slice(0, 40) : '';
    const inbound = { kind: 'form' as const, formId, metadata: fields.metadata, values: teamsFormValues(formId, fields) };
    const interaction = teamsInteraction(turn.activity, 'form', inbound, formKey(fields.metadata));
    if (!interaction) return null;
    const outcome = await runSafely(deps, interaction);
    const t = translator(outcome.locale);
    const form = echoedForm(fields.form);
    if (outcome.reply.type === 'errors') {
      const problem = Object.values(outcome.reply.errors).join('\n');
      return form ? { title: form.title, card: CardFactory.adaptiveCard(renderAdaptiveForm(form, { inDialog: true, problem })) } : problem;
    }
    // A repeated submission was answered the first time.
    if (!outcome.duplicate) await turn.sendActivity(cardActivity(renderAdaptiveCard(replyCard(outcome.reply, t))));
    return null;
  });
}

