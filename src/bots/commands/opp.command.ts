import { Customer } from '../../domain/customers/customer.entity';
import { createOpportunity } from '../../domain/opportunities/create-opportunity';
import { listOpenOpportunities } from '../../domain/opportunities/list-open-opportunities';
import { moveOpportunityStage } from '../../domain/opportunities/move-opportunity-stage';
import { Opportunity, stages, type Stage } from '../../domain/opportunities/opportunity.entity';
import { resolveAccess } from '../../domain/shared/access';
import { loadOpportunity } from '../../domain/opportunities/opportunity-access';
import { card, form, type CommandContext, type CommandResult, type FormResult } from './command-context';
import { parseOppCommand } from './command-grammar';
import { afterMatch } from './customer-flow';
import { parseAmount } from './parse-amount';
import { formatMoney } from '../../cards/presenters/format';
import { opportunityCard, opportunityLine } from '../../cards/presenters/opportunity-card';
import type { FormModel } from '../../cards/reply-model';
import { resolveCustomerQuery } from './resolve-customer';
import { formErrors, str, type FormValues } from './visit.forms';

export async function oppCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t } = ctx;
  const parsed = parseOppCommand(text);
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: t('help.opp') });
    case 'list':
      return oppList(ctx, parsed.whose, 1);
    case 'new': {
      const match = await resolveCustomerQuery(ctx, parsed.customer);
      return afterMatch(ctx, match, { do: 'opp', amount: parsed.amount, currency: parsed.currency, title: parsed.title });
    }
    case 'show': {
      const match = await resolveCustomerQuery(ctx, parsed.query);
      if (match.kind !== 'one') return afterMatch(ctx, match, { do: 'show' });
      return customerOpps(ctx, match.customer);
    }
    case 'invalid': {
      const customer = parsed.understood?.customer;
      if (parsed.reason === 'missing_amount' && customer) return card({ kind: 'card', tone: 'warn', text: t('opp.missingAmount', { customer, example: parsed.example }) });
      if (parsed.reason === 'missing_title') return card({ kind: 'card', tone: 'warn', text: t('opp.missingTitle', { example: parsed.example }) });
      return card({ kind: 'card', tone: 'warn', text: `${t('help.opp')}` });
    }
  }
}

const pageSize = 8;

export async function oppList(ctx: CommandContext, whose: 'mine' | 'team', page: number, replaceOriginal = false): Promise<CommandResult> {
  const { t } = ctx;
  const current = Math.max(1, page);
  const { items, total } = await listOpenOpportunities(ctx.em, ctx.actor, { whose, offset: (current - 1) * pageSize, limit: pageSize });
  if (total === 0) return card({ kind: 'card', text: t('opp.listEmpty') }, replaceOriginal);
  const pages = Math.ceil(total / pageSize);
  return card(
    {
      kind: 'card',
      header: t(whose === 'team' ? 'opp.teamListHeader' : 'opp.listHeader'),
      sections: items.map(({ opportunity, customerName }) => ({
        lines: [opportunityLine(opportunity, customerName, ctx)],
        buttons: [{ label: t('customer.details'), action: 'opp.open', value: opportunity.id }],
      })),
      pager: {
        label: t('common.page', { page: current, pages }),
        previous: current > 1 ? { label: t('common.previous'), action: 'opp.list_page', value: `${whose}|${current - 1}` } : undefined,
        next: current < pages ? { label: t('common.next'), action: 'opp.list_page', value: `${whose}|${current + 1}` } : undefined,
      },
    },
    replaceOriginal,
  );
}

async function customerOpps(ctx: CommandContext, customer: Customer): Promise<CommandResult> {
  const access = await resolveAccess(ctx.em, ctx.actor);
  const all = await ctx.em.find(Opportunity, { tenantId: access.tenantId, customerId: customer.id }, { orderBy: { createdAt: 'desc' }, limit: 20 });
  const readable = [];
  for (const o of all) {
    const ok = await loadOpportunity(ctx.em, access, o.id, 'read').then(() => true, () => false);
    if (ok) readable.push(o);
  }
  if (readable.length === 0) return card({ kind: 'card', text: `${customer.name}: ${ctx.t('customer.noOpps')}`, buttons: [{ label: ctx.t('customer.newOpp'), action: 'opp.new_for', value: customer.id }] });
  return card({
    kind: 'card',
    header: customer.name,
    sections: readable.slice(0, 10).map((o) => ({ lines: [opportunityLine(o, customer.name, ctx)], buttons: [{ label: ctx.t('customer.details'), action: 'opp.open', value: o.id }] })),
  });
}

export async function showOpportunity(ctx: CommandContext, opportunityId: string, notice?: string, replaceOriginal = false): Promise<CommandResult> {
  const access = await resolveAccess(ctx.em, ctx.actor);
  const o = await loadOpportunity(ctx.em, access, opportunityId, 'read');
  const customer = await ctx.em.findOneOrFail(Customer, { id: o.customerId });
  return card(opportunityCard(o, customer.name, ctx, notice), replaceOriginal);
}

/**
 * A stage button. The value says which stage the card showed; if the deal has moved since (a
 * double click, a stale card), nothing changes and the current card comes back.
 */
export async function moveStageAction(ctx: CommandContext, value: string, to?: Stage, lostReason?: string): Promise<CommandResult> {
  const { t } = ctx;
  const [id, shownStage, target] = value.split('|');
  const toStage = (to ?? target) as Stage;
  if (!id || !stages.includes(toStage)) return card({ kind: 'card', tone: 'error', text: t('errors.stale') });
  const access = await resolveAccess(ctx.em, ctx.actor);
  const current = await loadOpportunity(ctx.em, access, id, 'read');
  if (current.stage !== shownStage) return showOpportunity(ctx, id, t('errors.stale'), true);
  const moved = await moveOpportunityStage(ctx.em, ctx.actor, id, { to: toStage, lostReason });
  const notice =
    toStage === 'won'
      ? t('opp.won', { title: moved.title, amount: formatMoney(moved.amount, moved.currency, ctx.user.locale) })
      : toStage === 'lost'
        ? t('opp.lost', { title: moved.title, reason: moved.lostReason })
        : t('opp.movedTo', { title: moved.title, stage: t(`opp.stages.${toStage}`) });
  return showOpportunity(ctx, id, notice, true);
}

export function lostReasonForm(ctx: CommandContext, value: string): FormModel {
  const [id, shownStage] = value.split('|');
  return {
    kind: 'form',
    formId: 'opp.lost_reason',
    title: ctx.t('opp.loseTitle'),
    submit: ctx.t('common.save'),
    close: ctx.t('common.cancel'),
    metadata: { opportunityId: id ?? '', shownStage: shownStage ?? '' },
    fields: [{ id: 'reason', label: ctx.t('opp.fieldReason'), type: 'text', multiline: true, maxLength: 1000 }],
  };
}

export function newOppForm(ctx: CommandContext, customer?: { label: string; value: string }): FormModel {
  const { t } = ctx;
  return {
    kind: 'form',
    formId: 'opp.new',
    title: t('opp.formTitle'),
    submit: t('common.save'),
    close: t('common.cancel'),
    fields: [
      { id: 'customer', label: t('visit.fieldCustomer'), type: 'customer', initial: customer },
      { id: 'title', label: t('opp.fieldTitle'), type: 'text', maxLength: 200 },
      { id: 'amount', label: t('opp.fieldAmount'), type: 'text', placeholder: '50000', maxLength: 30 },
      { id: 'currency', label: t('opp.fieldCurrency'), type: 'select', initial: ctx.tenant.defaultCurrency, options: ['CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'SGD'].map((c) => ({ label: c, value: c })) },
      { id: 'closeDate', label: t('opp.fieldCloseDate'), type: 'date', optional: true },
    ],
  };
}

export async function submitOppForm(ctx: CommandContext, f: FormModel, values: FormValues): Promise<FormResult> {
  const { t } = ctx;
  const s = (k: string) => str(values[k]);
  try {
    if (f.formId === 'opp.lost_reason') {
      const reason = s('reason');
      if (!reason) return { type: 'errors', errors: { reason: t('opp.loseTitle') } };
      const result = await moveStageAction(ctx, `${f.metadata!.opportunityId}|${f.metadata!.shownStage}`, 'lost', reason);
      return { type: 'done', card: result.type === 'card' ? result.card : undefined };
    }
    const amount = parseAmount(s('amount') ?? '');
    if (!amount) return { type: 'errors', errors: { amount: t('opp.badAmount', { text: s('amount') ?? '' }) } };
    const customerId = s('customer');
    if (!customerId) return { type: 'errors', errors: { customer: t('visit.missingCustomer', { example: '/opp new ACME 50000 Pilot' }) } };
    const o = await createOpportunity(ctx.em, ctx.actor, { customerId, title: s('title') ?? '', amount: amount.amount, currency: s('currency') ?? amount.currency, expectedCloseDate: s('closeDate') });
    const customer = await ctx.em.findOneOrFail(Customer, { id: customerId });
    return { type: 'done', card: opportunityCard(o, customer.name, ctx, t('opp.created', { title: o.title, customer: customer.name, amount: formatMoney(o.amount, o.currency, ctx.user.locale) })) };
  } catch (err) {
    return formErrors(err, ctx, f);
  }
}
