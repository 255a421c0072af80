import { clip, formatDateTime } from '../../cards/presenters/format';
import { cancelVisit } from '../../domain/activities/cancel-visit';
import { loadInteraction } from '../../domain/activities/interaction-access';
import { getCustomerName } from '../../domain/customers/get-customer-name';
import { resolveAccess } from '../../domain/shared/access';
import { card, form, type CommandContext } from '../pipeline/context';
import { defineAction } from '../pipeline/handlers';
import { id, page } from '../pipeline/values';
import { visitList } from './visit.command';
import { visitLogForm, visitOutcomeForm, visitPlanForm, visitRescheduleForm } from './visit.forms';

const customerPreset = async (ctx: CommandContext, customerId: string) => {
  const customer = await getCustomerName(ctx.em, ctx.actor, customerId);
  return { label: clip(customer.name, 75), value: customer.id };
};

const notPlanned = (ctx: CommandContext, status: string) => card({ kind: 'card', tone: 'warn', text: ctx.t('errors.conflict.not_planned', { status: ctx.t(`visit.statuses.${status}`) }) });

export const visitActions = {
  'visit.log_for': defineAction({ value: id, effect: 'read', run: async (ctx, customerId) => form(visitLogForm(ctx, await customerPreset(ctx, customerId))) }),
  'visit.plan_for': defineAction({ value: id, effect: 'read', run: async (ctx, customerId) => form(visitPlanForm(ctx, await customerPreset(ctx, customerId))) }),
  'visit.log_outcome': defineAction({
    value: id,
    effect: 'read',
    async run(ctx, visitId) {
      const visit = await loadInteraction(ctx.em, await resolveAccess(ctx.em, ctx.actor), visitId, 'write');
      return visit.status === 'cancelled' ? notPlanned(ctx, visit.status) : form(visitOutcomeForm(ctx, visit.id));
    },
  }),
  'visit.reschedule': defineAction({
    value: id,
    effect: 'read',
    async run(ctx, visitId) {
      const visit = await loadInteraction(ctx.em, await resolveAccess(ctx.em, ctx.actor), visitId, 'write');
      return visit.status === 'planned' ? form(visitRescheduleForm(ctx, visit)) : notPlanned(ctx, visit.status);
    },
  }),
  /** Idempotent in the domain too: a second click shows the same result. */
  'visit.cancel': defineAction({
    value: id,
    effect: 'write',
    async run(ctx, visitId) {
      const visit = await cancelVisit(ctx.em, ctx.actor, visitId);
      const customer = await getCustomerName(ctx.em, ctx.actor, visit.customerId);
      const when = formatDateTime(visit.scheduledAt!, ctx.user.timezone, ctx.user.locale);
      return card({ kind: 'card', text: ctx.t('visit.cancelled', { customer: customer.name, when }) }, true);
    },
  }),
  'visit.list_page': defineAction({ value: page, effect: 'read', run: (ctx, p) => visitList(ctx, p, true) }),
};
