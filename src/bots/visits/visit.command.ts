import { clip, formatDateTime } from '../../cards/presenters/format';
import { visitButtons } from '../../cards/presenters/visit-buttons';
import { listUpcomingVisits } from '../../domain/activities/list-upcoming-visits';
import { setReminderLead } from '../../domain/activities/set-reminder-lead';
import { afterMatch } from '../customers/customer-match';
import { resolveCustomer, resolveCustomerQuery } from '../customers/resolve-customer';
import { card, form, type CommandContext, type CommandResult } from '../pipeline/context';
import { parseVisitCommand } from './visit.grammar';
import { logVisitNow, planVisitAt } from './visit.intents';
import { visitLogForm, visitPlanForm } from './visit.forms';

/** What `/visit …` asks for: log and plan write (the worker runs them); the rest reads or opens a form. */
export function visitWrites(text: string): 'queued' | 'inline' | false {
  const kind = parseVisitCommand(text, { timezone: 'UTC', now: new Date() }).kind;
  if (kind === 'log' || kind === 'plan') return 'queued';
  return kind === 'remind' && /\d/.test(text) ? 'inline' : false;
}

/** `/visit …` on either platform. */
export async function visitCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t } = ctx;
  const parsed = parseVisitCommand(text, { timezone: ctx.user.timezone, now: ctx.now });
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: t('help.visit') });
    case 'form':
      return form(visitLogForm(ctx));
    case 'list':
      return visitList(ctx);
    case 'remind': {
      if (parsed.unreadable !== undefined) return card({ kind: 'card', tone: 'warn', text: t('visit.remindUnreadable', { word: parsed.unreadable }) });
      if (parsed.minutes === undefined) return card({ kind: 'card', text: t('visit.remindCurrent', { lead: ctx.user.reminderLeadMinutes }) });
      const user = await setReminderLead(ctx.em, ctx.actor, parsed.minutes);
      return card({ kind: 'card', tone: 'ok', text: t('visit.remindSet', { lead: user.reminderLeadMinutes }) });
    }
    case 'plan': {
      const { when, purpose } = parsed;
      return afterMatch(ctx, await resolveCustomerQuery(ctx, parsed.customer), { do: 'plan', at: when.getTime(), purpose: purpose || undefined }, (c) => planVisitAt(ctx, c, when, purpose || undefined));
    }
    case 'log': {
      const match = await resolveCustomer(ctx, parsed.words, parsed.customer);
      const notes = match.rest.trim();
      if (match.kind === 'one' && !notes) return card({ kind: 'card', tone: 'warn', text: t('visit.missingNotes', { customer: match.customer.name }) });
      return afterMatch(ctx, match, { do: 'log', notes }, (c) => logVisitNow(ctx, c, notes));
    }
    case 'invalid': {
      if (parsed.reason === 'missing_when') {
        const customer = parsed.understood?.customer;
        if (customer) return card({ kind: 'card', tone: 'warn', text: t('visit.missingWhen', { customer: clip(customer, 100), example: t('examples.visitPlan') }) });
        return form(visitPlanForm(ctx));
      }
      return card({ kind: 'card', tone: 'warn', text: t('visit.missingCustomer', { example: t('examples.visitPlan') }) });
    }
  }
}

const pageSize = 10;

export async function visitList(ctx: CommandContext, page = 1, replaceOriginal = false): Promise<CommandResult> {
  const { t, user } = ctx;
  // One extra row says whether there is a next page without counting them all.
  const upcoming = await listUpcomingVisits(ctx.em, ctx.actor, { offset: (page - 1) * pageSize, limit: pageSize + 1 });
  const hasNext = upcoming.length > pageSize;
  if (upcoming.length === 0) return card({ kind: 'card', text: t('visit.listEmpty') }, replaceOriginal);
  return card(
    {
      kind: 'card',
      header: t('visit.listHeader'),
      sections: upcoming.slice(0, pageSize).map(({ visit, customerName }) => ({
        lines: [`*${formatDateTime(visit.scheduledAt!, user.timezone, user.locale)}* · ${clip(customerName, 60)}${visit.purpose ? ` · ${clip(visit.purpose, 80)}` : ''}`],
        buttons: visitButtons(visit.id, ctx),
      })),
      pager:
        page > 1 || hasNext
          ? {
              label: t('common.pageOnly', { page }),
              previous: page > 1 ? { label: t('common.previous'), action: 'visit.list_page', value: String(page - 1) } : undefined,
              next: hasNext ? { label: t('common.next'), action: 'visit.list_page', value: String(page + 1) } : undefined,
            }
          : undefined,
    },
    replaceOriginal,
  );
}
