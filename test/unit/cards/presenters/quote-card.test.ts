import { quoteCard } from '../../../../src/cards/presenters/quote-card';
import { translator } from '../../../../src/cards/i18n/i18n';
import type { User } from '../../../../src/domain/org/user.entity';
import type { QuoteView } from '../../../../src/domain/quotes/load-quote-view';

const view = (extraPercentOff: string) =>
  ({
    quote: { id: 'q1', number: 'Q-2026-0001', status: 'pending_approval', currency: 'CNY', total: '880.00', extraPercentOff, validUntil: '2026-12-31', ownerId: 'u1', approverId: 'u2', decisionComment: null },
    lines: [],
    customerName: 'ACME',
    ownerName: 'Amy',
    approverName: 'Li',
    deciderName: null,
  }) as unknown as QuoteView;

const discountShown = (extra: string, locale = 'en') => {
  const card = quoteCard(view(extra), { t: translator(locale), user: { id: 'u1', locale } as User });
  return card.fields!.find((f) => f.label === translator(locale)('quote.extraDiscount'))!.value;
};

test.each([
  ['20', '20%'],
  ['10', '10%'],
  ['100', '100%'],
  ['20.000', '20%'],
  ['7.500', '7.5%'],
  ['0.250', '0.25%'],
  ['0', '—'],
  ['0.000', '—'],
])('an extra discount stored as %s reads %s, in both languages', (stored, shown) => {
  expect(discountShown(stored)).toBe(shown);
  expect(discountShown(stored, 'zh-CN')).toBe(shown);
});
