import type { Interaction } from '../../domain/activities/interaction.entity';
import type { Reader } from './reader';
import { visitButtons } from './visit-buttons';
import type { CardModel, Field } from '../reply-model';
import { clip, formatDate, formatDateTime } from './format';

type Ctx = Reader;

/** The DM before a planned visit: when (in the user's time zone), where, why, and the visit's buttons. */
export function visitReminderCard(input: { visit: Interaction; customerName: string; now: Date }, ctx: Ctx): CardModel {
  const { t, user } = ctx;
  const { visit, customerName } = input;
  const startsAt = visit.scheduledAt!;
  const when = formatDateTime(startsAt, user.timezone, user.locale);
  const minutes = Math.round((startsAt.getTime() - input.now.getTime()) / 60_000);
  const vars = { type: t(`visit.types.${visit.type}`), customer: clip(customerName, 100), when, minutes };
  const fields: Field[] = [
    { label: t('visit.when'), value: when },
    { label: t('jobs.reminder.customer'), value: clip(customerName, 200) },
  ];
  if (visit.place) fields.push({ label: t('jobs.reminder.place'), value: clip(visit.place, 300) });
  if (visit.purpose) fields.push({ label: t('jobs.reminder.purpose'), value: clip(visit.purpose, 500) });
  return {
    kind: 'card',
    tone: 'info',
    header: t('jobs.reminder.header', { customer: clip(customerName, 100) }),
    text: minutes > 0 ? t('jobs.reminder.text', vars) : t('jobs.reminder.textNow', vars),
    fields,
    buttons: visitButtons(visit.id, ctx),
    context: [t('jobs.reminder.leadHint', { lead: user.reminderLeadMinutes })],
  };
}

/** The morning DM on an outcome's follow-up date, with what was agreed last time. */
export function followUpReminderCard(input: { visit: Interaction; customerName: string }, ctx: Ctx): CardModel {
  const { t, user } = ctx;
  const { visit, customerName } = input;
  const fields: Field[] = [];
  if (visit.occurredAt) {
    const outcome = visit.outcome ? ` · ${t(`visit.outcomes.${visit.outcome}`)}` : '';
    fields.push({ label: t('jobs.followUp.lastVisit'), value: `${formatDateTime(visit.occurredAt, user.timezone, user.locale)}${outcome}` });
  }
  if (visit.nextStep) fields.push({ label: t('jobs.followUp.nextStep'), value: clip(visit.nextStep, 500) });
  return {
    kind: 'card',
    tone: 'info',
    header: t('jobs.followUp.header', { customer: clip(customerName, 100) }),
    text: t('jobs.followUp.text', { customer: clip(customerName, 100), date: formatDate(visit.followUpDate!, user.locale) }),
    fields,
    context: visit.notes ? [clip(visit.notes, 200)] : undefined,
    buttons: [
      { label: t('jobs.nudge.logActivity'), action: 'visit.log_for', value: visit.customerId, style: 'primary' },
      { label: t('customer.planVisit'), action: 'visit.plan_for', value: visit.customerId },
    ],
  };
}
