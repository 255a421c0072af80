import { z } from 'zod';
import { clip, formatDate } from '../../cards/presenters/format';
import { getCustomerName } from '../../domain/customers/get-customer-name';
import { loadOpportunity } from '../../domain/opportunities/opportunity-access';
import { snoozeOpportunity } from '../../domain/opportunities/snooze-opportunity';
import { resolveAccess } from '../../domain/shared/access';
import { form } from '../pipeline/context';
import { defineAction } from '../pipeline/handlers';
import { id, page, parts, stage } from '../pipeline/values';
import { oppList } from './opp.command';
import { lostReasonForm, newOppForm } from './opp.forms';
import { moveStage, showOpportunity } from './opp-stage';

const days = z.string().regex(/^\d{1,2}$/).transform(Number).pipe(z.number().int().min(1).max(90));

export const oppActions = {
  'opp.open': defineAction({ value: id, effect: 'read', run: (ctx, oppId) => showOpportunity(ctx, oppId) }),
  'opp.new_for': defineAction({
    value: id,
    effect: 'read',
    async run(ctx, customerId) {
      const customer = await getCustomerName(ctx.em, ctx.actor, customerId);
      return form(newOppForm(ctx, { label: clip(customer.name, 75), value: customer.id }));
    },
  }),
  'opp.stage': defineAction({ value: parts(id, stage, stage), effect: 'write', run: (ctx, [oppId, shown, to]) => moveStage(ctx, { id: oppId, shown, to }) }),
  'opp.win': defineAction({ value: parts(id, stage), effect: 'write', run: (ctx, [oppId, shown]) => moveStage(ctx, { id: oppId, shown, to: 'won' }) }),
  'opp.lose': defineAction({
    value: parts(id, stage),
    effect: 'read',
    async run(ctx, [oppId, shown]) {
      const current = await loadOpportunity(ctx.em, await resolveAccess(ctx.em, ctx.actor), oppId, 'write');
      if (current.stage !== shown) return showOpportunity(ctx, current.id, ctx.t('errors.stale'), true);
      return form(lostReasonForm(ctx, { id: oppId, shown }));
    },
  }),
  'opp.snooze': defineAction({
    value: parts(id, days),
    effect: 'write',
    async run(ctx, [oppId, n]) {
      const snoozed = await snoozeOpportunity(ctx.em, ctx.actor, oppId, n);
      const date = snoozed.snoozedUntil ? formatDate(snoozed.snoozedUntil.toISOString().slice(0, 10), ctx.user.locale) : '';
      return showOpportunity(ctx, snoozed.id, ctx.t('opp.snoozed', { title: snoozed.title, date }));
    },
  }),
  'opp.list_page': defineAction({ value: parts(z.enum(['mine', 'team']), page), effect: 'read', run: (ctx, [whose, p]) => oppList(ctx, whose, p, true) }),
};
