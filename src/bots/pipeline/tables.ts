import { isActionId } from '../../cards/slack/action-ids';
import type { ActionId, FormModel } from '../../cards/reply-model';
import { customerActions } from '../customers/customer.actions';
import { customerForms } from '../customers/customer.forms';
import { forecastActions } from '../forecasts/forecast.actions';
import { oppGuideActions, oppGuideForms } from '../opportunities/opp-guide.actions';
import { oppActions } from '../opportunities/opp.actions';
import { oppForms } from '../opportunities/opp.forms';
import { quoteActions } from '../quotes/quote.actions';
import { quoteForms } from '../quotes/quote.forms';
import { signalActions } from '../signals/signal.actions';
import { visitActions } from '../visits/visit.actions';
import { visitForms } from '../visits/visit.forms';
import type { ActionHandler, AnyFormHandler } from './handlers';

export type FormId = FormModel['formId'];

/** Every button of every card, on either platform: adding an ActionId without its handler fails to compile. */
export const actions: Record<ActionId, ActionHandler> = { ...customerActions, ...visitActions, ...oppActions, ...oppGuideActions, ...quoteActions, ...forecastActions, ...signalActions };

/** Every form's fields, metadata schema and submission, by form id. */
export const forms: Record<FormId, AnyFormHandler> = { ...visitForms, ...customerForms, ...oppForms, ...oppGuideForms, ...quoteForms };

export const actionNamed = (action: string): ActionHandler | undefined => (isActionId(action) ? actions[action] : undefined);
export const formNamed = (formId: string): AnyFormHandler | undefined => (Object.hasOwn(forms, formId) ? forms[formId as FormId] : undefined);
