import { Customer } from '../../domain/customers/customer.entity';
import { searchProducts } from '../../domain/products/search-products';
import { createQuote } from '../../domain/quotes/create-quote';
import { advanceQuote } from '../../domain/quotes/advance-quote';
import { decideQuote } from '../../domain/quotes/decide-quote';
import { loadQuoteView } from '../../domain/quotes/load-quote-view';
import { Quote } from '../../domain/quotes/quote.entity';
import { isDomainError } from '../../domain/shared/domain-error';
import { resolveAccess } from '../../domain/shared/access';
import { card, form, type CommandContext, type CommandResult, type FormResult } from './command-context';
import { afterMatch } from './customer-flow';
import { errorCard } from '../../cards/i18n/error-text';
import type { Intent } from './intent';
import { clip, formatMoney } from '../../cards/presenters/format';
import { quoteCard } from '../../cards/presenters/quote-card';
import { parseQuoteCommand, quoteExample } from './quote-grammar';
import type { FormModel } from '../../cards/reply-model';
import { resolveCustomerQuery } from './resolve-customer';
import { str, type FormValues } from './visit.forms';

/** `/quote …` on either platform. */
export async function quoteCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t } = ctx;
  const parsed = parseQuoteCommand(text);
  if (!text.trim()) return form(newQuoteForm(ctx));
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: t('help.quote') });
    case 'invalid':
      if (parsed.reason === 'bad_discount') return card({ kind: 'card', tone: 'warn', text: t('quote.badDiscount', { text: parsed.text ?? '' }) });
      return card({ kind: 'card', tone: 'warn', text: t('quote.missingLines', { example: quoteExample }) });
    case 'show': {
      const access = await resolveAccess(ctx.em, ctx.actor);
      const quote = await ctx.em.findOne(Quote, { tenantId: access.tenantId, number: parsed.number });
      if (!quote) return card({ kind: 'card', tone: 'warn', text: t('errors.not_found.quote') });
      return card(quoteCard(await loadQuoteView(ctx.em, ctx.actor, quote.id), ctx));
    }
    case 'create': {
      const match = await resolveCustomerQuery(ctx, parsed.customer);
      return afterMatch(ctx, match, { do: 'quote', lines: parsed.lines, extraPercentOff: parsed.extraPercentOff });
    }
  }
}

/** Prices and files the quote once the customer is known; tells the requester where it went. */
export async function createQuoteReply(ctx: CommandContext, customer: Customer, intent: Extract<Intent, { do: 'quote' }>): Promise<CommandResult> {
  const { t } = ctx;
  let quote: Quote;
  try {
    quote = await createQuote(ctx.em, ctx.actor, { customerId: customer.id, lines: intent.lines, extraPercentOff: intent.extraPercentOff, sourceKey: ctx.sourceKey }, ctx.now);
  } catch (err) {
    if (isDomainError(err) && err.details.reason === 'unknown_sku') return card({ kind: 'card', tone: 'warn', text: t('quote.unknownSku', { skus: (err.details.skus as string[]).join(', ') }) });
    throw err;
  }
  const view = await loadQuoteView(ctx.em, ctx.actor, quote.id);
  const header = quote.status === 'pending_approval' ? t('quote.createdPending', { number: quote.number, approver: view.approverName }) : t('quote.createdApproved', { number: quote.number });
  return card(quoteCard(view, ctx, header));
}

/** Approve (at once) or reject (asks why first); a stale card or second click shows where the quote stands. */
export async function quoteAction(ctx: CommandContext, action: 'quote.approve' | 'quote.reject' | 'quote.open' | 'quote.sent' | 'quote.accept', quoteId: string): Promise<CommandResult> {
  const { t } = ctx;
  if (action === 'quote.open') return card(quoteCard(await loadQuoteView(ctx.em, ctx.actor, quoteId), ctx), true);
  if (action === 'quote.sent' || action === 'quote.accept') {
    try {
      await advanceQuote(ctx.em, ctx.actor, { quoteId, to: action === 'quote.sent' ? 'sent' : 'accepted' }, ctx.now);
    } catch (err) {
      if (isDomainError(err) && err.code === 'conflict') return card(quoteCard(await loadQuoteView(ctx.em, ctx.actor, quoteId), ctx, t('quote.alreadyDecided')), true);
      return card(errorCard(err, t));
    }
    return card(quoteCard(await loadQuoteView(ctx.em, ctx.actor, quoteId), ctx), true);
  }
  if (action === 'quote.reject') {
    const view = await loadQuoteView(ctx.em, ctx.actor, quoteId);
    if (view.quote.status !== 'pending_approval') return card(quoteCard(view, ctx, t('quote.alreadyDecided')), true);
    return form(rejectForm(ctx, quoteId));
  }
  try {
    await decideQuote(ctx.em, ctx.actor, { quoteId, decision: 'approve' });
  } catch (err) {
    if (isDomainError(err) && err.code === 'conflict') return card(quoteCard(await loadQuoteView(ctx.em, ctx.actor, quoteId), ctx, t('quote.alreadyDecided')), true);
    return card(errorCard(err, t));
  }
  const view = await loadQuoteView(ctx.em, ctx.actor, quoteId);
  return card(quoteCard(view, ctx, t('quote.approvedNow', { name: view.ownerName })), true);
}

function rejectForm(ctx: CommandContext, quoteId: string): FormModel {
  const { t } = ctx;
  return {
    kind: 'form',
    formId: 'quote.reject',
    title: t('quote.rejectTitle'),
    submit: t('quote.reject'),
    close: t('common.cancel'),
    fields: [{ id: 'comment', label: t('quote.rejectComment'), type: 'text', multiline: true, maxLength: 2000 }],
    metadata: { quoteId },
  };
}

/** The quote modal: a customer, lines as typed in the command ("10 x SKU-1", one per line), an extra discount. */
export function newQuoteForm(ctx: CommandContext): FormModel {
  const { t } = ctx;
  return {
    kind: 'form',
    formId: 'quote.new',
    title: t('quote.formTitle'),
    submit: t('common.save'),
    close: t('common.cancel'),
    fields: [
      { id: 'customer', label: t('visit.fieldCustomer'), type: 'customer' },
      { id: 'lines', label: t('quote.fieldLines'), type: 'text', multiline: true, placeholder: '10 x SKU-1\n5 x SKU-2', maxLength: 2000 },
      { id: 'discount', label: t('quote.fieldDiscount'), type: 'number', decimal: true, optional: true },
    ],
  };
}

export async function submitQuoteForm(ctx: CommandContext, f: FormModel, values: FormValues): Promise<FormResult> {
  const { t } = ctx;
  if (f.formId === 'quote.new') {
    const customerId = str(values.customer);
    if (!customerId) return { type: 'errors', errors: { customer: t('visit.missingCustomer', { example: quoteExample }) } };
    const discount = str(values.discount) ?? undefined;
    const parsed = parseQuoteCommand(`customer ${(str(values.lines) ?? '').replace(/\n/g, ' ')}${discount ? ` discount ${discount}%` : ''}`);
    if (parsed.kind === 'invalid' && parsed.reason === 'bad_discount') return { type: 'errors', errors: { discount: t('quote.badDiscount', { text: discount ?? '' }) } };
    if (parsed.kind !== 'create') return { type: 'errors', errors: { lines: t('quote.missingLines', { example: '10 x SKU-1' }) } };
    try {
      const customer = await ctx.em.findOneOrFail(Customer, { id: customerId, tenantId: ctx.tenant.id });
      const result = await createQuoteReply(ctx, customer, { do: 'quote', lines: parsed.lines, extraPercentOff: parsed.extraPercentOff });
      return { type: 'done', card: result.type === 'card' ? result.card : undefined };
    } catch (err) {
      if (isDomainError(err) && err.code === 'invalid_input') return { type: 'errors', errors: { lines: clip(err.message, 140) } };
      return { type: 'done', card: errorCard(err, t) };
    }
  }
  const quoteId = f.metadata?.quoteId ?? '';
  const comment = str(values.comment);
  if (!comment) return { type: 'errors', errors: { comment: t('quote.rejectComment') } };
  try {
    await decideQuote(ctx.em, ctx.actor, { quoteId, decision: 'reject', comment });
  } catch (err) {
    if (isDomainError(err) && err.code === 'conflict') return { type: 'done', card: quoteCard(await loadQuoteView(ctx.em, ctx.actor, quoteId), ctx, t('quote.alreadyDecided')) };
    return { type: 'done', card: errorCard(err, t) };
  }
  const view = await loadQuoteView(ctx.em, ctx.actor, quoteId);
  return { type: 'done', card: quoteCard(view, ctx, t('quote.rejectedNow', { name: view.ownerName })) };
}

/** `/product <name or SKU>`. */
export async function productCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t, user } = ctx;
  const query = text.trim();
  if (!query || ['help', '帮助'].includes(query.toLowerCase())) return card({ kind: 'card', text: t('help.product') });
  const products = await searchProducts(ctx.em, ctx.actor, query, 5);
  if (products.length === 0) return card({ kind: 'card', tone: 'warn', text: t('product.notFound', { query: clip(query, 60) }) });
  const [first, ...others] = products;
  return card({
    kind: 'card',
    header: `${clip(first!.name, 100)} · ${first!.sku}`,
    text: first!.description ? clip(first!.description, 600) : undefined,
    fields: [
      { label: t('product.listPrice'), value: formatMoney(first!.listPrice, first!.currency, user.locale) },
      ...(first!.specs ? [{ label: t('product.specs'), value: clip(first!.specs, 300) }] : []),
      ...(first!.features ? [{ label: t('product.features'), value: clip(first!.features, 300) }] : []),
      ...(first!.useCases ? [{ label: t('product.useCases'), value: clip(first!.useCases, 300) }] : []),
    ],
    context: others.length ? [others.map((p) => `${clip(p.name, 40)} (${p.sku}) ${formatMoney(p.listPrice, p.currency, user.locale)}`).join(' · ')] : undefined,
  });
}
