import { clip, formatDateTime } from '../../cards/presenters/format';
import { visitButtons } from '../../cards/presenters/visit-buttons';
import { logInteraction } from '../../domain/activities/log-interaction';
import { planVisit } from '../../domain/activities/plan-visit';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';

type Named = { id: string; name: string };

/** A visit made now, with what happened; it carries the request's key. */
export async function logVisitNow(ctx: CommandContext, customer: Named, notes: string): Promise<CommandResult> {
  await logInteraction(ctx.em, ctx.actor, { customerId: customer.id, notes, occurredAt: ctx.now, sourceKey: ctx.requestKey });
  return card({
    kind: 'card',
    tone: 'ok',
    text: ctx.t('visit.logged', { customer: customer.name }),
    context: [clip(notes, 200)],
    buttons: [{ label: ctx.t('customer.planVisit'), action: 'visit.plan_for', value: customer.id }],
  });
}

/** A visit planned for a time, reminded before it. */
export async function planVisitAt(ctx: CommandContext, customer: Named, at: Date, purpose?: string): Promise<CommandResult> {
  const { t, user } = ctx;
  const visit = await planVisit(ctx.em, ctx.actor, { customerId: customer.id, scheduledAt: at, purpose: purpose ?? null, sourceKey: ctx.requestKey });
  return card({
    kind: 'card',
    tone: 'ok',
    text: t('visit.planned', { customer: customer.name, when: formatDateTime(visit.scheduledAt!, user.timezone, user.locale), lead: user.reminderLeadMinutes }),
    context: purpose ? [clip(purpose, 200)] : undefined,
    buttons: visitButtons(visit.id, ctx),
  });
}
