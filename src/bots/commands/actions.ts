import { loadInteraction } from '../../domain/activities/interaction-access';
import { claimCustomer } from '../../domain/customers/claim-customer';
import { createCustomer } from '../../domain/customers/create-customer';
import { loadCustomer } from '../../domain/customers/customer-access';
import { releaseCustomer } from '../../domain/customers/release-customer';
import { loadOpportunity } from '../../domain/opportunities/opportunity-access';
import { snoozeOpportunity } from '../../domain/opportunities/snooze-opportunity';
import { resolveAccess } from '../../domain/shared/access';
import { isDomainError } from '../../domain/shared/domain-error';
import { card, form, type CommandContext, type CommandResult } from './command-context';
import { runIntent } from './customer-flow';
import { poolList } from './customer.command';
import { decodeCreate, decodePick, encodeCreate, encodePick, fitsInButton } from './intent';
import { lostReasonForm, moveStageAction, newOppForm, oppList, showOpportunity } from './opp.command';
import { clip, formatDate } from '../../cards/presenters/format';
import type { ActionId } from '../../cards/reply-model';
import { cancelVisitAction, visitLogForm, visitOutcomeForm, visitPlanForm, visitRescheduleForm } from './visit.forms';
import { visitList } from './visit.command';
import { quoteAction } from './quote.command';

/** Every button of every card, on either platform, lands here. */
export async function handleAction(ctx: CommandContext, action: ActionId, value: string): Promise<CommandResult> {
  const { t } = ctx;
  const stale = card({ kind: 'card', tone: 'warn', text: t('errors.stale') });
  switch (action) {
    case 'customer.open':
    case 'customer.pick': {
      const pick = action === 'customer.pick' ? decodePick(value) : { customerId: value, intent: { do: 'show' as const } };
      if (!pick) return stale;
      const access = await resolveAccess(ctx.em, ctx.actor);
      const customer = await loadCustomer(ctx.em, access, pick.customerId, 'read');
      return runIntent(ctx, customer, pick.intent);
    }
    case 'customer.create':
    case 'customer.create_anyway': {
      const request = decodeCreate(value);
      if (!request) return stale;
      try {
        const { customer } = await createCustomer(ctx.em, ctx.actor, { name: request.name, allowDuplicate: request.force || action === 'customer.create_anyway' });
        return runIntent(ctx, customer, request.intent);
      } catch (err) {
        if (!isDomainError(err) || err.code !== 'duplicate') throw err;
        const candidates = (err.details.candidates as Array<{ id: string; name: string }>) ?? [];
        const anyway = encodeCreate(request.name, request.intent, true);
        return card({
          kind: 'card',
          tone: 'warn',
          text: t('customer.duplicate', { name: request.name, names: candidates.map((c) => c.name).join(', ') }),
          buttons: [
            ...candidates.map((c) => ({ label: clip(c.name, 60), action: 'customer.pick' as const, value: encodePick(c.id, request.intent) })).filter((b) => fitsInButton(b.value)),
            ...(fitsInButton(anyway) ? [{ label: t('customer.createAnyway'), action: 'customer.create_anyway' as const, value: anyway }] : []),
          ],
        });
      }
    }
    case 'customer.claim': {
      const customer = await claimCustomer(ctx.em, ctx.actor, value);
      return card({ kind: 'card', tone: 'ok', text: t('customer.claimed', { name: customer.name }), buttons: [{ label: t('customer.planVisit'), action: 'visit.plan_for', value: customer.id }] });
    }
    case 'customer.release': {
      const customer = await releaseCustomer(ctx.em, ctx.actor, value);
      return card({ kind: 'card', tone: 'ok', text: t('customer.released', { name: customer.name }) }, true);
    }
    case 'customer.pool_page':
      return poolList(ctx, Number(value) || 1, true);
    case 'visit.log_for':
    case 'visit.plan_for':
    case 'opp.new_for': {
      const access = await resolveAccess(ctx.em, ctx.actor);
      const customer = await loadCustomer(ctx.em, access, value, 'read');
      const preset = { label: clip(customer.name, 75), value: customer.id };
      if (action === 'visit.log_for') return form(visitLogForm(ctx, preset));
      if (action === 'visit.plan_for') return form(visitPlanForm(ctx, preset));
      return form(newOppForm(ctx, preset));
    }
    case 'visit.log_outcome': {
      const access = await resolveAccess(ctx.em, ctx.actor);
      const visit = await loadInteraction(ctx.em, access, value, 'write');
      if (visit.status === 'cancelled') return card({ kind: 'card', tone: 'warn', text: t('errors.conflict.not_planned', { status: t('visit.statuses.cancelled') }) });
      return form(visitOutcomeForm(ctx, visit.id));
    }
    case 'visit.reschedule': {
      const access = await resolveAccess(ctx.em, ctx.actor);
      const visit = await loadInteraction(ctx.em, access, value, 'write');
      if (visit.status !== 'planned') return card({ kind: 'card', tone: 'warn', text: t('errors.conflict.not_planned', { status: t(`visit.statuses.${visit.status}`) }) });
      return form(visitRescheduleForm(ctx, visit));
    }
    case 'visit.cancel':
      return cancelVisitAction(ctx, value);
    case 'visit.list_page':
      return visitList(ctx, Number(value) || 1, true);
    case 'opp.open':
      return showOpportunity(ctx, value);
    case 'opp.stage':
      return moveStageAction(ctx, value);
    case 'opp.win':
      return moveStageAction(ctx, value, 'won');
    case 'opp.lose': {
      const [id, shownStage] = value.split('|');
      const access = await resolveAccess(ctx.em, ctx.actor);
      const current = await loadOpportunity(ctx.em, access, id ?? '', 'write');
      if (current.stage !== shownStage) return showOpportunity(ctx, current.id, t('errors.stale'), true);
      return form(lostReasonForm(ctx, value));
    }
    case 'opp.snooze': {
      const [id, days] = value.split('|');
      const snoozed = await snoozeOpportunity(ctx.em, ctx.actor, id ?? '', Number(days) || 3);
      return showOpportunity(ctx, snoozed.id, t('opp.snoozed', { title: snoozed.title, date: snoozed.snoozedUntil ? formatDate(snoozed.snoozedUntil.toISOString().slice(0, 10), ctx.user.locale) : '' }));
    }
    case 'opp.list_page': {
      const [whose, page] = value.split('|');
      return oppList(ctx, whose === 'team' ? 'team' : 'mine', Number(page) || 1, true);
    }
    case 'quote.approve':
    case 'quote.reject':
    case 'quote.open':
    case 'quote.sent':
    case 'quote.accept':
      return quoteAction(ctx, action, value);
  }
}
