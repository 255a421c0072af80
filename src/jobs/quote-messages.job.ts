import { quoteCard } from '../cards/presenters/quote-card';
import { translator } from '../cards/i18n/i18n';
import { User } from '../domain/org/user.entity';
import { loadQuoteView } from '../domain/quotes/load-quote-view';
import { Quote } from '../domain/quotes/quote.entity';
import { userActor } from '../domain/shared/actor';
import { defineJob, deliveryJobOptions, type JobContext } from './job-definition';

type QuoteJobData = { tenantId: string; outboxId: string; quoteId: string; approverId?: string; status?: string };

/** The quote as `userId` may see it, with a header in their language; null if they are gone. */
async function cardFor(ctx: JobContext, data: QuoteJobData, userId: string, header: (t: ReturnType<typeof translator>, v: Awaited<ReturnType<typeof loadQuoteView>>) => string) {
  const user = await ctx.em.findOne(User, { id: userId, tenantId: data.tenantId, active: true });
  if (!user) return null;
  const t = translator(user.locale);
  const view = await loadQuoteView(ctx.em, userActor(data.tenantId, user.id, user.role), data.quoteId);
  return { user, view, card: quoteCard(view, { t, user }, header(t, view)) };
}

/** The approver's card with Approve and Reject, once the quote is filed. */
export const quoteApprovalRequestJob = defineJob<QuoteJobData>({
  name: 'quote-approval-request',
  queue: 'deliveries',
  jobId: (d) => `quote-approval.${d.quoteId}.${d.outboxId}`,
  options: deliveryJobOptions,
  async handle(data, ctx) {
    const made = await cardFor(ctx, data, data.approverId!, (t, v) => t('quote.approvalRequest', { name: v.ownerName, number: v.quote.number, customer: v.customerName }));
    if (!made) return 'skipped: approver gone';
    if (made.view.quote.status !== 'pending_approval' || made.view.quote.approverId !== made.user.id) return 'skipped: no longer pending';
    return (await ctx.notifier.sendDirect({ tenantId: data.tenantId, userId: made.user.id, card: made.card, idempotencyKey: `quote-approval.${data.quoteId}`, kind: 'quote_approval' })).status;
  },
});

/** Still pending a day later: the approver is asked again, once. */
export const quoteApprovalReminderJob = defineJob<QuoteJobData>({
  name: 'quote-approval-reminder',
  queue: 'deliveries',
  jobId: (d) => `quote-approval-reminder.${d.quoteId}.${d.outboxId}`,
  options: deliveryJobOptions,
  async handle(data, ctx) {
    const made = await cardFor(ctx, data, data.approverId!, (t, v) => t('quote.approvalReminder', { number: v.quote.number, customer: v.customerName }));
    if (!made) return 'skipped: approver gone';
    if (made.view.quote.status !== 'pending_approval') return 'skipped: decided';
    return (await ctx.notifier.sendDirect({ tenantId: data.tenantId, userId: made.user.id, card: made.card, idempotencyKey: `quote-approval-reminder.${data.quoteId}`, kind: 'quote_approval' })).status;
  },
});

/** The requester hears the decision. */
export const quoteDecidedJob = defineJob<QuoteJobData>({
  name: 'quote-decided',
  queue: 'deliveries',
  jobId: (d) => `quote-decided.${d.quoteId}.${d.outboxId}`,
  options: deliveryJobOptions,
  async handle(data, ctx) {
    const quote = await ctx.em.findOne(Quote, { id: data.quoteId, tenantId: data.tenantId });
    if (!quote) return 'skipped: quote gone';
    const made = await cardFor(ctx, data, quote.ownerId, (t, v) =>
      t(v.quote.status === 'approved' ? 'quote.approvedNotice' : 'quote.rejectedNotice', { number: v.quote.number, customer: v.customerName, name: v.deciderName }),
    );
    if (!made) return 'skipped: requester gone';
    return (await ctx.notifier.sendDirect({ tenantId: data.tenantId, userId: made.user.id, card: made.card, idempotencyKey: `quote-decided.${data.quoteId}`, kind: 'quote_decision' })).status;
  },
});
