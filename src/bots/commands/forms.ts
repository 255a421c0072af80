import type { CommandContext, FormResult } from './command-context';
import { submitCustomerForm } from './customer.command';
import { submitOppForm } from './opp.command';
import { submitQuoteForm } from './quote.command';
import type { FormModel } from '../../cards/reply-model';
import { submitVisitForm, type FormValues } from './visit.forms';

/** Every form submission, on either platform, lands here. */
export async function handleFormSubmission(ctx: CommandContext, form: FormModel, values: FormValues): Promise<FormResult> {
  switch (form.formId) {
    case 'visit.log':
    case 'visit.plan':
    case 'visit.outcome':
    case 'visit.reschedule':
      return submitVisitForm(ctx, form, values);
    case 'customer.new':
      return submitCustomerForm(ctx, form, values);
    case 'opp.new':
    case 'opp.lost_reason':
      return submitOppForm(ctx, form, values);
    case 'quote.reject':
    case 'quote.new':
      return submitQuoteForm(ctx, form, values);
  }
}
