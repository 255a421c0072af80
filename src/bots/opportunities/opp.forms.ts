import { z } from 'zod';
import { formatMoney } from '../../cards/presenters/format';
import { opportunityCard } from '../../cards/presenters/opportunity-card';
import type { FormModel } from '../../cards/reply-model';
import { getCustomerName } from '../../domain/customers/get-customer-name';
import { createOpportunity } from '../../domain/opportunities/create-opportunity';
import { getDealGuide } from '../../domain/opportunities/get-deal-guide';
import { done, fieldErrors, type CommandContext } from '../pipeline/context';
import { fieldModel, formFrame, type FieldSpecs } from '../pipeline/form-spec';
import { defineForm } from '../pipeline/handlers';
import { id, stage } from '../pipeline/values';
import { parseAmount } from '../shared/parse-amount';
import { oppExamples } from './opp.grammar';
import { moveStage } from './opp-stage';

export const currencies = ['CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'SGD'] as const;

const newFields = {
  customer: { type: 'customer' },
  title: { type: 'text', max: 200 },
  amount: { type: 'text', max: 30 },
  currency: { type: 'select', options: currencies },
  closeDate: { type: 'date', optional: true },
} as const satisfies FieldSpecs;

const lostFields = { reason: { type: 'text', max: 1000, multiline: true } } as const satisfies FieldSpecs;

export function newOppForm(ctx: CommandContext, customer?: { label: string; value: string }): FormModel {
  const { t } = ctx;
  const initialCurrency = (currencies as readonly string[]).includes(ctx.tenant.defaultCurrency) ? ctx.tenant.defaultCurrency : 'CNY';
  return {
    ...formFrame(t, 'opp.new', 'opp.formTitle'),
    fields: [
      fieldModel('customer', newFields.customer, t('visit.fieldCustomer'), { initial: customer }),
      fieldModel('title', newFields.title, t('opp.fieldTitle')),
      fieldModel('amount', newFields.amount, t('opp.fieldAmount'), { placeholder: '50000' }),
      fieldModel('currency', newFields.currency, t('opp.fieldCurrency'), { initial: initialCurrency }),
      fieldModel('closeDate', newFields.closeDate, t('opp.fieldCloseDate')),
    ],
  };
}

export function lostReasonForm(ctx: CommandContext, deal: { id: string; shown: string }): FormModel {
  return {
    ...formFrame(ctx.t, 'opp.lost_reason', 'opp.loseTitle'),
    metadata: { opportunityId: deal.id, shownStage: deal.shown },
    fields: [fieldModel('reason', lostFields.reason, ctx.t('opp.fieldReason'))],
  };
}

export const oppForms = {
  'opp.new': defineForm({
    fields: newFields,
    metadata: z.object({}).passthrough().transform(() => ({})),
    async submit(ctx, _meta, v) {
      const amount = parseAmount(v.amount ?? '');
      if (!amount) return fieldErrors({ amount: ctx.t('opp.badAmount', { text: v.amount ?? '' }) });
      if (!v.customer) return fieldErrors({ customer: ctx.t('visit.missingCustomer', { example: oppExamples.new }) });
      const o = await createOpportunity(ctx.em, ctx.actor, { customerId: v.customer, title: v.title ?? '', amount: amount.amount, currency: v.currency ?? amount.currency, expectedCloseDate: v.closeDate, sourceKey: ctx.requestKey });
      const customer = await getCustomerName(ctx.em, ctx.actor, v.customer);
      return done(opportunityCard(o, customer.name, ctx, ctx.t('opp.created', { title: o.title, customer: customer.name, amount: formatMoney(o.amount, o.currency, ctx.user.locale) }), await getDealGuide(ctx.em, o.tenantId)));
    },
  }),
  'opp.lost_reason': defineForm({
    fields: lostFields,
    metadata: z.object({ opportunityId: id, shownStage: stage }),
    async submit(ctx, meta, v) {
      const result = await moveStage(ctx, { id: meta.opportunityId, shown: meta.shownStage, to: 'lost', lostReason: v.reason ?? '' });
      return done(result.type === 'card' ? result.card : undefined);
    },
  }),
};
