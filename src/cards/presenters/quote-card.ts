import type { QuoteView } from '../../domain/quotes/load-quote-view';
import type { User } from '../../domain/org/user.entity';
import type { Translate } from '../i18n/i18n';
import type { CardModel } from '../reply-model';
import { clip, formatDate, formatMoney } from './format';

type Reader = { t: Translate; user: Pick<User, 'locale' | 'id'> };

/** "20.00" → "20", "7.50" → "7.5"; a whole number keeps its zeros. */
const trimPercent = (p: string) => (p.includes('.') ? p.replace(/0+$/, '').replace(/\.$/, '') : p);

/**
 * A quote as its reader sees it: lines with the rules that priced them, total, state; the
 * approver of a pending quote gets Approve and Reject.
 */
export function quoteCard(view: QuoteView, { t, user }: Reader, header?: string): CardModel {
  const { quote } = view;
  const money = (amount: string) => formatMoney(amount, quote.currency, user.locale);
  const pending = quote.status === 'pending_approval';
  const forApprover = pending && quote.approverId === user.id;
  const extra = trimPercent(quote.extraPercentOff);
  return {
    kind: 'card',
    tone: quote.status === 'rejected' ? 'warn' : quote.status === 'approved' || quote.status === 'accepted' ? 'ok' : 'info',
    header: header ?? t('quote.header', { number: quote.number, customer: clip(view.customerName, 60) }),
    fields: [
      { label: t('quote.total'), value: money(quote.total) },
      { label: t('quote.extraDiscount'), value: extra === '0' ? '—' : `${extra}%` },
      { label: t('quote.status'), value: t(`quote.statuses.${quote.status}`) },
      { label: t('quote.validUntil'), value: formatDate(quote.validUntil, user.locale) },
    ],
    sections: [
      {
        lines: view.lines.slice(0, 20).map((l) => {
          // Rules are named by the admins who made them; the extra discount is ours to say in the reader's language.
          const rules = l.applied.filter((a) => a.kind !== 'list').map((a) => (a.kind === 'extra' ? `${t('quote.extraDiscount')} ${trimPercent(extra)}%` : a.name));
          return `${l.quantity} × ${clip(l.name, 40)} (${l.sku}) @ ${money(l.unitPrice)} = *${money(l.total)}*${rules.length ? ` · ${clip(rules.join(', '), 80)}` : ''}`;
        }),
      },
    ],
    context: [
      t('quote.requestedBy', { name: view.ownerName }),
      ...(view.approverName && pending ? [t('quote.waitingFor', { name: view.approverName })] : []),
      ...(view.deciderName && !pending ? [t('quote.decidedBy', { name: view.deciderName })] : []),
      ...(quote.decisionComment ? [`“${clip(quote.decisionComment, 200)}”`] : []),
    ],
    buttons: forApprover
      ? [
          { label: t('quote.approve'), action: 'quote.approve', value: quote.id, style: 'primary' },
          { label: t('quote.reject'), action: 'quote.reject', value: quote.id, style: 'danger' },
        ]
      : quote.ownerId === user.id && quote.status === 'approved'
        ? [{ label: t('quote.markSent'), action: 'quote.sent', value: quote.id }, { label: t('quote.markAccepted'), action: 'quote.accept', value: quote.id, style: 'primary' }]
        : quote.ownerId === user.id && quote.status === 'sent'
          ? [{ label: t('quote.markAccepted'), action: 'quote.accept', value: quote.id, style: 'primary' }]
          : undefined,
  };
}
