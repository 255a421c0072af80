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

test('the extra discount on a line reads in the reader\'s language; rules keep the names admins gave them', () => {
  const v = view('3.000');
  (v as { lines: unknown[] }).lines = [
    { quantity: 10, name: 'Widget', sku: 'SKU-1', unitPrice: '97.00', total: '970.00', applied: [{ kind: 'list', name: 'List price' }, { kind: 'volume', name: '大客户批量价' }, { kind: 'extra', name: 'Extra discount 3%' }] },
  ];
  const zh = JSON.stringify(quoteCard(v, { t: translator('zh-CN'), user: { id: 'u1', locale: 'zh-CN' } as User }));
  expect(zh).toContain('大客户批量价, 额外折扣 3%');
  expect(zh).not.toMatch(/Extra discount|List price/);
});
