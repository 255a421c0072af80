import { z } from 'zod';
import { quoteCard } from '../../cards/presenters/quote-card';
import type { FormModel } from '../../cards/reply-model';
import { getCustomerName } from '../../domain/customers/get-customer-name';
import { decideQuote } from '../../domain/quotes/decide-quote';
import { loadQuoteView } from '../../domain/quotes/load-quote-view';
import { fieldIssues } from '../../domain/shared/domain-error';
import { done, fieldErrors, type CommandContext } from '../pipeline/context';
import { fieldModel, formFrame, type FieldSpecs } from '../pipeline/form-spec';
import { defineForm } from '../pipeline/handlers';
import { id } from '../pipeline/values';
import { issuesToErrors } from '../shared/form-errors';
import { parseQuoteCommand } from './quote.grammar';
import { createQuoteReply } from './quote.intents';

const newFields = {
  customer: { type: 'customer' },
  lines: { type: 'text', max: 2000, multiline: true },
  discount: { type: 'number', decimal: true, optional: true, min: 0, max: 100 },
} as const satisfies FieldSpecs;

const rejectFields = { comment: { type: 'text', max: 2000, multiline: true } } as const satisfies FieldSpecs;

/** The quote form: a customer, lines as typed in the command ("10 x SKU-1", one per line), an extra discount. */
export function newQuoteForm(ctx: CommandContext): FormModel {
  const { t } = ctx;
  return {
    ...formFrame(t, 'quote.new', 'quote.formTitle'),
    fields: [
      fieldModel('customer', newFields.customer, t('visit.fieldCustomer')),
      fieldModel('lines', newFields.lines, t('quote.fieldLines'), { placeholder: '10 x SKU-1\n5 x SKU-2' }),
      fieldModel('discount', newFields.discount, t('quote.fieldDiscount')),
    ],
  };
}

export function rejectForm(ctx: CommandContext, quoteId: string): FormModel {
  return {
    ...formFrame(ctx.t, 'quote.reject', 'quote.rejectTitle', 'quote.reject'),
    metadata: { quoteId },
    fields: [fieldModel('comment', rejectFields.comment, ctx.t('quote.rejectComment'))],
  };
}

export const quoteForms = {
  'quote.new': defineForm({
    fields: newFields,
    metadata: z.object({}).passthrough().transform(() => ({})),
    async submit(ctx, _meta, v) {
      const parsed = parseQuoteCommand(`customer ${(v.lines ?? '').replace(/\n/g, ' ')}${v.discount ? ` discount ${v.discount}%` : ''}`);
      if (parsed.kind === 'invalid' && parsed.reason === 'bad_discount') return fieldErrors({ discount: ctx.t('quote.badDiscount', { text: v.discount ?? '' }) });
      if (parsed.kind !== 'create') return fieldErrors({ lines: ctx.t('quote.missingLines', { example: '10 x SKU-1' }) });
      const customer = await getCustomerName(ctx.em, ctx.actor, v.customer!);
      const result = await createQuoteReply(ctx, customer, { do: 'quote', lines: parsed.lines, extraPercentOff: parsed.extraPercentOff });
      return done(result.type === 'card' ? result.card : undefined);
    },
    // A product that is not in the catalog is a problem with the lines typed.
    async onRefusal(ctx, _meta, _values, err) {
      if (err.code !== 'invalid_input') return null;
      const errors = issuesToErrors(fieldIssues(err).map((i) => (i.field === 'sku' ? { ...i, field: 'lines' } : i)), ctx.t, Object.keys(newFields));
      return Object.keys(errors).length ? fieldErrors(errors) : null;
    },
  }),
  'quote.reject': defineForm({
    fields: rejectFields,
    metadata: z.object({ quoteId: id }),
    async submit(ctx, meta, v) {
      if (!v.comment) return fieldErrors({ comment: ctx.t('quote.rejectComment') });
      await decideQuote(ctx.em, ctx.actor, { quoteId: meta.quoteId, decision: 'reject', comment: v.comment });
      const view = await loadQuoteView(ctx.em, ctx.actor, meta.quoteId);
      return done(quoteCard(view, ctx, ctx.t('quote.rejectedNow', { name: view.ownerName })));
    },
    // Decided meanwhile (by someone else, or a second click): where it stands.
    onRefusal: async (ctx, meta, _values, err) => (err.code === 'conflict' ? done(quoteCard(await loadQuoteView(ctx.em, ctx.actor, meta.quoteId), ctx, ctx.t('quote.alreadyDecided'))) : null),
  }),
};
