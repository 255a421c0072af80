import { cancelVisit } from '../../domain/activities/cancel-visit';
import { Interaction, interactionTypes, outcomes, type Outcome, type InteractionType } from '../../domain/activities/interaction.entity';
import { logInteraction } from '../../domain/activities/log-interaction';
import { planVisit } from '../../domain/activities/plan-visit';
import { recordOutcome } from '../../domain/activities/record-outcome';
import { rescheduleVisit } from '../../domain/activities/reschedule-visit';
import { Customer } from '../../domain/customers/customer.entity';
import { fieldIssues, isDomainError } from '../../domain/shared/domain-error';
import { card, type CommandContext, type CommandResult, type FormResult } from './command-context';
import { errorText, problemText } from '../../cards/i18n/error-text';
import { visitButtons } from '../../cards/presenters/visit-buttons';
import { clip, formatDateTime } from '../../cards/presenters/format';
import type { FormModel } from '../../cards/reply-model';

export type FormValues = Record<string, string | Date | null | undefined>;

/** A submitted text as trimmed text, or null when empty or not text. */
export const str = (v: FormValues[string]): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const date = (v: FormValues[string]): Date | null => (v instanceof Date ? v : null);

function baseFields(ctx: CommandContext, customer?: { label: string; value: string }) {
  return { id: 'customer', label: ctx.t('visit.fieldCustomer'), type: 'customer' as const, initial: customer };
}

export function visitLogForm(ctx: CommandContext, customer?: { label: string; value: string }): FormModel {
  const { t } = ctx;
  return {
    kind: 'form',
    formId: 'visit.log',
    title: t('visit.formLogTitle'),
    submit: t('common.save'),
    close: t('common.cancel'),
    fields: [
      baseFields(ctx, customer),
      { id: 'type', label: t('visit.fieldType'), type: 'select', initial: 'visit', options: interactionTypes.map((v) => ({ label: t(`visit.types.${v}`), value: v })) },
      { id: 'notes', label: t('visit.fieldNotes'), type: 'text', multiline: true, maxLength: 4000 },
      { id: 'outcome', label: t('visit.fieldOutcome'), type: 'select', optional: true, options: outcomes.map((v) => ({ label: t(`visit.outcomes.${v}`), value: v })) },
      { id: 'nextStep', label: t('visit.fieldNextStep'), type: 'text', optional: true, maxLength: 1000 },
      { id: 'followUpDate', label: t('visit.fieldFollowUp'), type: 'date', optional: true },
    ],
  };
}

export function visitPlanForm(ctx: CommandContext, customer?: { label: string; value: string }): FormModel {
  const { t } = ctx;
  return {
    kind: 'form',
    formId: 'visit.plan',
    title: t('visit.formPlanTitle'),
    submit: t('common.save'),
    close: t('common.cancel'),
    fields: [
      baseFields(ctx, customer),
      { id: 'when', label: t('visit.fieldWhen'), type: 'datetime' },
      { id: 'purpose', label: t('visit.fieldPurpose'), type: 'text', optional: true, multiline: true, maxLength: 2000 },
      { id: 'place', label: t('visit.fieldPlace'), type: 'text', optional: true, maxLength: 300 },
    ],
  };
}

export function visitOutcomeForm(ctx: CommandContext, visitId: string): FormModel {
  const { t } = ctx;
  return {
    kind: 'form',
    formId: 'visit.outcome',
    title: t('visit.formOutcomeTitle'),
    submit: t('common.save'),
    close: t('common.cancel'),
    metadata: { visitId },
    fields: [
      { id: 'outcome', label: t('visit.fieldOutcome'), type: 'select', initial: 'met', options: outcomes.map((v) => ({ label: t(`visit.outcomes.${v}`), value: v })) },
      { id: 'notes', label: t('visit.fieldNotes'), type: 'text', multiline: true, optional: true, maxLength: 4000 },
      { id: 'problems', label: t('visit.fieldProblems'), type: 'text', multiline: true, optional: true, maxLength: 2000 },
      { id: 'nextStep', label: t('visit.fieldNextStep'), type: 'text', optional: true, maxLength: 1000 },
      { id: 'followUpDate', label: t('visit.fieldFollowUp'), type: 'date', optional: true },
      { id: 'cost', label: t('visit.fieldCost'), type: 'number', decimal: true, optional: true },
    ],
  };
}

export function visitRescheduleForm(ctx: CommandContext, visit: Interaction): FormModel {
  const { t } = ctx;
  return {
    kind: 'form',
    formId: 'visit.reschedule',
    title: t('visit.formRescheduleTitle'),
    submit: t('common.save'),
    close: t('common.cancel'),
    metadata: { visitId: visit.id },
    fields: [{ id: 'when', label: t('visit.fieldWhen'), type: 'datetime', initial: visit.scheduledAt ?? undefined }],
  };
}

// Domain field names → the form field that shows the problem.
const fieldFor: Record<string, string> = { customerId: 'customer', scheduledAt: 'when', occurredAt: 'when' };

/** Turns a refused submission into errors under the right inputs; unknown failures go to the first field. */
export function formErrors(err: unknown, ctx: CommandContext, form: { fields: { id: string }[] }): FormResult {
  const ids = new Set(form.fields.map((f) => f.id));
  const errors: Record<string, string> = {};
  if (isDomainError(err)) {
    for (const issue of fieldIssues(err)) {
      const id = fieldFor[issue.field] ?? issue.field;
      if (ids.has(id)) errors[id] = clip(problemText(issue, ctx.t), 140);
    }
  }
  if (Object.keys(errors).length === 0) errors[form.fields[0]!.id] = clip(errorText(err, ctx.t), 140);
  return { type: 'errors', errors };
}

export async function submitVisitForm(ctx: CommandContext, form: FormModel, values: FormValues): Promise<FormResult> {
  const { t, user } = ctx;
  try {
    switch (form.formId) {
      case 'visit.log': {
        const customerId = str(values.customer);
        if (!customerId) return { type: 'errors', errors: { customer: t('visit.missingCustomer', { example: '/visit ACME …' }) } };
        await logInteraction(ctx.em, ctx.actor, {
          customerId,
          type: (str(values.type) ?? 'visit') as InteractionType,
          notes: str(values.notes),
          outcome: str(values.outcome) as Outcome | null,
          nextStep: str(values.nextStep),
          followUpDate: str(values.followUpDate),
        });
        const customer = await ctx.em.findOneOrFail(Customer, { id: customerId });
        return { type: 'done', card: { kind: 'card', tone: 'ok', text: t('visit.logged', { customer: customer.name }) } };
      }
      case 'visit.plan': {
        const customerId = str(values.customer);
        const when = date(values.when);
        if (!customerId) return { type: 'errors', errors: { customer: t('visit.missingCustomer', { example: '/visit plan ACME tomorrow 10am' }) } };
        if (!when) return { type: 'errors', errors: { when: t('visit.fieldWhen') } };
        const visit = await planVisit(ctx.em, ctx.actor, { customerId, scheduledAt: when, purpose: str(values.purpose), place: str(values.place) });
        const customer = await ctx.em.findOneOrFail(Customer, { id: customerId });
        return {
          type: 'done',
          card: {
            kind: 'card',
            tone: 'ok',
            text: t('visit.planned', { customer: customer.name, when: formatDateTime(visit.scheduledAt!, user.timezone, user.locale), lead: user.reminderLeadMinutes }),
            buttons: visitButtons(visit.id, ctx),
          },
        };
      }
      case 'visit.outcome': {
        const visit = await recordOutcome(ctx.em, ctx.actor, form.metadata!.visitId!, {
          outcome: (str(values.outcome) ?? 'met') as Outcome,
          notes: str(values.notes),
          problems: str(values.problems),
          nextStep: str(values.nextStep),
          followUpDate: str(values.followUpDate),
          cost: str(values.cost),
        });
        const customer = await ctx.em.findOneOrFail(Customer, { id: visit.customerId });
        return { type: 'done', card: { kind: 'card', tone: 'ok', text: t('visit.outcomeSaved', { customer: customer.name }) } };
      }
      case 'visit.reschedule': {
        const when = date(values.when);
        if (!when) return { type: 'errors', errors: { when: t('visit.fieldWhen') } };
        const visit = await rescheduleVisit(ctx.em, ctx.actor, form.metadata!.visitId!, when);
        const customer = await ctx.em.findOneOrFail(Customer, { id: visit.customerId });
        return {
          type: 'done',
          card: { kind: 'card', tone: 'ok', text: t('visit.rescheduled', { customer: customer.name, when: formatDateTime(when, user.timezone, user.locale) }), buttons: visitButtons(visit.id, ctx) },
        };
      }
      default:
        throw new Error(`not a visit form: ${form.formId}`);
    }
  } catch (err) {
    return formErrors(err, ctx, form);
  }
}

/** The cancel button: idempotent, so a double click shows the same result twice. */
export async function cancelVisitAction(ctx: CommandContext, visitId: string): Promise<CommandResult> {
  const { t, user } = ctx;
  const visit = await cancelVisit(ctx.em, ctx.actor, visitId);
  const customer = await ctx.em.findOneOrFail(Customer, { id: visit.customerId });
  return card({ kind: 'card', text: t('visit.cancelled', { customer: customer.name, when: formatDateTime(visit.scheduledAt!, user.timezone, user.locale) }) }, true);
}
