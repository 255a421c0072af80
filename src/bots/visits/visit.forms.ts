import { formatDateTime } from '../../cards/presenters/format';
import { visitButtons } from '../../cards/presenters/visit-buttons';
import type { FormModel } from '../../cards/reply-model';
import { interactionTypes, outcomes, type Interaction } from '../../domain/activities/interaction.entity';
import { logInteraction } from '../../domain/activities/log-interaction';
import { planVisit } from '../../domain/activities/plan-visit';
import { recordOutcome } from '../../domain/activities/record-outcome';
import { rescheduleVisit } from '../../domain/activities/reschedule-visit';
import { getCustomerName } from '../../domain/customers/get-customer-name';
import { z } from 'zod';
import { done, type CommandContext } from '../pipeline/context';
import { fieldModel, formFrame, type FieldSpecs } from '../pipeline/form-spec';
import { defineForm } from '../pipeline/handlers';
import { id, noMetadata } from '../pipeline/values';

type Preset = { label: string; value: string };

const logFields = {
  customer: { type: 'customer' },
  type: { type: 'select', options: interactionTypes },
  notes: { type: 'text', max: 4000, multiline: true },
  outcome: { type: 'select', options: outcomes, optional: true },
  nextStep: { type: 'text', max: 1000, optional: true },
  followUpDate: { type: 'date', optional: true },
} as const satisfies FieldSpecs;

const planFields = {
  customer: { type: 'customer' },
  when: { type: 'datetime' },
  purpose: { type: 'text', max: 2000, optional: true, multiline: true },
  place: { type: 'text', max: 300, optional: true },
} as const satisfies FieldSpecs;

const outcomeFields = {
  outcome: { type: 'select', options: outcomes },
  notes: { type: 'text', max: 4000, multiline: true, optional: true },
  problems: { type: 'text', max: 2000, multiline: true, optional: true },
  nextStep: { type: 'text', max: 1000, optional: true },
  followUpDate: { type: 'date', optional: true },
  cost: { type: 'number', decimal: true, optional: true, min: 0 },
} as const satisfies FieldSpecs;

const rescheduleFields = { when: { type: 'datetime' } } as const satisfies FieldSpecs;

const visitMetadata = z.object({ visitId: id });

export function visitLogForm(ctx: CommandContext, customer?: Preset): FormModel {
  const { t } = ctx;
  const f = logFields;
  return {
    ...formFrame(ctx.t, 'visit.log', 'visit.formLogTitle'),
    fields: [
      fieldModel('customer', f.customer, t('visit.fieldCustomer'), { initial: customer }),
      fieldModel('type', f.type, t('visit.fieldType'), { initial: 'visit', optionLabel: (v) => t(`visit.types.${v}`) }),
      fieldModel('notes', f.notes, t('visit.fieldNotes')),
      fieldModel('outcome', f.outcome, t('visit.fieldOutcome'), { optionLabel: (v) => t(`visit.outcomes.${v}`) }),
      fieldModel('nextStep', f.nextStep, t('visit.fieldNextStep')),
      fieldModel('followUpDate', f.followUpDate, t('visit.fieldFollowUp')),
    ],
  };
}

export function visitPlanForm(ctx: CommandContext, customer?: Preset): FormModel {
  const { t } = ctx;
  return {
    ...formFrame(ctx.t, 'visit.plan', 'visit.formPlanTitle'),
    fields: [
      fieldModel('customer', planFields.customer, t('visit.fieldCustomer'), { initial: customer }),
      fieldModel('when', planFields.when, t('visit.fieldWhen')),
      fieldModel('purpose', planFields.purpose, t('visit.fieldPurpose')),
      fieldModel('place', planFields.place, t('visit.fieldPlace')),
    ],
  };
}

export function visitOutcomeForm(ctx: CommandContext, visitId: string): FormModel {
  const { t } = ctx;
  const f = outcomeFields;
  return {
    ...formFrame(ctx.t, 'visit.outcome', 'visit.formOutcomeTitle'),
    metadata: { visitId },
    fields: [
      fieldModel('outcome', f.outcome, t('visit.fieldOutcome'), { initial: 'met', optionLabel: (v) => t(`visit.outcomes.${v}`) }),
      fieldModel('notes', f.notes, t('visit.fieldNotes')),
      fieldModel('problems', f.problems, t('visit.fieldProblems')),
      fieldModel('nextStep', f.nextStep, t('visit.fieldNextStep')),
      fieldModel('followUpDate', f.followUpDate, t('visit.fieldFollowUp')),
      fieldModel('cost', f.cost, t('visit.fieldCost')),
    ],
  };
}

export function visitRescheduleForm(ctx: CommandContext, visit: Interaction): FormModel {
  return {
    ...formFrame(ctx.t, 'visit.reschedule', 'visit.formRescheduleTitle'),
    metadata: { visitId: visit.id },
    fields: [fieldModel('when', rescheduleFields.when, ctx.t('visit.fieldWhen'), { initial: visit.scheduledAt ?? undefined })],
  };
}

const whenText = (ctx: CommandContext, at: Date) => formatDateTime(at, ctx.user.timezone, ctx.user.locale);

/** The forms' submissions: each writes once per submission (the pipeline keeps the first reply). */
export const visitForms = {
  'visit.log': defineForm({
    fields: logFields,
    metadata: noMetadata,
    async submit(ctx, _meta, v) {
      await logInteraction(ctx.em, ctx.actor, { customerId: v.customer!, type: v.type ?? 'visit', notes: v.notes, outcome: v.outcome, nextStep: v.nextStep, followUpDate: v.followUpDate, sourceKey: ctx.requestKey });
      const customer = await getCustomerName(ctx.em, ctx.actor, v.customer!);
      return done({ kind: 'card', tone: 'ok', text: ctx.t('visit.logged', { customer: customer.name }) });
    },
  }),
  'visit.plan': defineForm({
    fields: planFields,
    metadata: noMetadata,
    async submit(ctx, _meta, v) {
      const visit = await planVisit(ctx.em, ctx.actor, { customerId: v.customer!, scheduledAt: v.when!, purpose: v.purpose, place: v.place, sourceKey: ctx.requestKey });
      const customer = await getCustomerName(ctx.em, ctx.actor, v.customer!);
      const text = ctx.t('visit.planned', { customer: customer.name, when: whenText(ctx, visit.scheduledAt!), lead: ctx.user.reminderLeadMinutes });
      return done({ kind: 'card', tone: 'ok', text, buttons: visitButtons(visit.id, ctx) });
    },
  }),
  'visit.outcome': defineForm({
    fields: outcomeFields,
    metadata: visitMetadata,
    async submit(ctx, meta, v) {
      const visit = await recordOutcome(ctx.em, ctx.actor, meta.visitId, { outcome: v.outcome ?? 'met', notes: v.notes, problems: v.problems, nextStep: v.nextStep, followUpDate: v.followUpDate, cost: v.cost });
      const customer = await getCustomerName(ctx.em, ctx.actor, visit.customerId);
      return done({ kind: 'card', tone: 'ok', text: ctx.t('visit.outcomeSaved', { customer: customer.name }) });
    },
  }),
  'visit.reschedule': defineForm({
    fields: rescheduleFields,
    metadata: visitMetadata,
    async submit(ctx, meta, v) {
      const visit = await rescheduleVisit(ctx.em, ctx.actor, meta.visitId, v.when!);
      const customer = await getCustomerName(ctx.em, ctx.actor, visit.customerId);
      return done({ kind: 'card', tone: 'ok', text: ctx.t('visit.rescheduled', { customer: customer.name, when: whenText(ctx, visit.scheduledAt!) }), buttons: visitButtons(visit.id, ctx) });
    },
  }),
};
