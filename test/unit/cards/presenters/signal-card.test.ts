import { translator } from '../../../../src/cards/i18n/i18n';
import { en } from '../../../../src/cards/i18n/en';
import { zhCN } from '../../../../src/cards/i18n/zh-CN';
import { ruleText, signalCard, signalRulesCard, signalTexts, unmatchedSignalsCard } from '../../../../src/cards/presenters/signal-card';
import { renderCardBlocks } from '../../../../src/cards/slack';
import type { User } from '../../../../src/domain/org/user.entity';
import type { SignalMatchView } from '../../../../src/domain/signals/signal-match-view';
import type { SignalMatch } from '../../../../src/domain/signals/signal-match.entity';
import type { SignalRule } from '../../../../src/domain/signals/signal-rule.entity';
import { checkBlockKitLimits } from '../../../support/fake-slack';

const user = (locale: string) => ({ id: 'u1', name: 'Amy', locale, timezone: 'Asia/Shanghai' }) as User;
const ctx = (locale: string) => ({ t: translator(locale), user: user(locale) });
const match = (extra: Partial<SignalMatch> = {}) =>
  ({
    id: 'm1',
    ruleName: 'Product interest',
    customerId: 'c1',
    productSku: 'SKU-1',
    firedAt: new Date('2026-12-01T02:00:00Z'),
    windowStart: new Date('2026-11-24T01:00:00Z'),
    windowEnd: new Date('2026-12-01T01:00:00Z'),
    evidence: { eventIds: ['a', 'b', 'c'], count: 3, eventType: 'page_view', lastUrl: 'https://acme.com/p/sku-1', lastAt: '2026-12-01T01:00:00.000Z', firstAt: '2026-11-28T01:00:00.000Z' },
    ownerId: 'u1',
    opportunityId: 'o1',
    outcome: 'strengthened',
    scoreBump: 10,
    dismissedAt: null,
    dismissedBy: null,
    ...extra,
  }) as SignalMatch;
const view = (m: SignalMatch, extra: Partial<SignalMatchView> = {}): SignalMatchView => ({ match: m, customer: { id: 'c1', name: '上海华鑫' }, opportunity: { id: 'o1', title: 'Sensors 2027' }, rule: { windowDays: 7, minCount: 3 }, dismissedByName: null, canDismiss: true, ...extra });

test('English and Chinese have the same signal texts', () => {
  const keys = (o: object, p = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [`${p}${k}`] : keys(v, `${p}${k}.`)));
  expect(keys(zhCN.signals).sort()).toEqual(keys(en.signals).sort());
});

test('the nudge shows the evidence and plan visit, open deal, dismiss; dismissed, it says by whom and drops the button', () => {
  const card = signalCard(view(match()), ctx('en'));
  expect(card.header).toBe('🔥 Buying signal: 上海华鑫');
  expect(card.text).toBe('Noted on your deal *Sensors 2027* (+10 points).');
  expect(card.fields).toEqual([
    { label: 'Rule', value: 'Product interest' },
    { label: 'Events', value: '3× page views within 7 days' },
    { label: 'Product', value: 'SKU-1' },
    { label: 'Last page', value: 'https://acme.com/p/sku-1' },
    { label: 'Last seen', value: expect.stringContaining('09:00') },
  ]);
  expect(card.buttons!.map((b) => [b.action, b.value])).toEqual([['visit.plan_for', 'c1'], ['opp.open', 'o1'], ['signal.dismiss', 'm1']]);
  expect(checkBlockKitLimits(renderCardBlocks(card))).toEqual([]);

  const dismissed = signalCard(view(match({ dismissedAt: new Date('2026-12-01T03:00:00Z'), dismissedBy: 'u1' }), { dismissedByName: '王芳' }), ctx('zh-CN'));
  expect(dismissed.buttons!.map((b) => b.action)).toEqual(['visit.plan_for', 'opp.open']);
  expect(dismissed.context![0]).toMatch(/^王芳 已于 .*11:00 忽略。$/);
  expect(dismissed.text).toBe('已记在你的商机 *Sensors 2027* 上（+10 分）。');
  // Someone who may not dismiss it sees no dismiss button.
  expect(signalCard(view(match(), { canDismiss: false }), ctx('en')).buttons!.map((b) => b.action)).not.toContain('signal.dismiss');
});

test('deal titles and notes in the owner’s language', () => {
  const summary = { ruleName: '产品兴趣', eventType: 'page_view' as const, count: 3, windowDays: 7, productSku: 'SKU-1', lastUrl: '/p/sku-1' };
  expect(signalTexts(summary, 'en')).toEqual({ title: 'Signal: 3× page views of SKU-1', note: '产品兴趣: 3× page views of SKU-1 within 7 days, last /p/sku-1' });
  expect(signalTexts({ ...summary, productSku: null, lastUrl: null, count: 1, eventType: 'seminar_attended' }, 'zh-CN')).toEqual({ title: '信号：1 次研讨会参会', note: '产品兴趣：7 天内 1 次研讨会参会' });
});

test('rules and unmatched lists stay within Slack limits when long', () => {
  const rule = { name: 'R'.repeat(100), eventType: 'download', minCount: 1000, windowDays: 365, productSku: null, perProduct: true, urlContains: 'u'.repeat(200), scoreBump: 50, active: false } as SignalRule;
  expect(ruleText(rule, translator('en'))).toBe(`1000× downloads of one product within 365 days · URL contains “${'u'.repeat(99)}…”`);
  const rules = signalRulesCard({ rules: Array.from({ length: 100 }, () => ({ rule, firedLast7Days: 3 })), last7Days: { matched: 1, unmatched: 2, pending: 3 } }, ctx('zh-CN'));
  expect(checkBlockKitLimits(renderCardBlocks(rules))).toEqual([]);
  const groups = Array.from({ length: 50 }, (_, i) => ({ ref: { email: `${'x'.repeat(200)}${i}@example.com`, name: 'N'.repeat(300) }, count: 999, types: ['page_view', 'download'] as const, productSkus: ['A', 'B'], lastUrl: 'https://x.example/'.padEnd(2000, 'y'), lastAt: new Date(), reason: 'ambiguous' as const }));
  const unmatched = unmatchedSignalsCard({ groups: groups.map((g) => ({ ...g, types: [...g.types] })), total: 80 }, ctx('en'));
  expect(checkBlockKitLimits(renderCardBlocks(unmatched))).toEqual([]);
  expect(unmatched.context).toEqual(['Showing the 50 most recent of 80 senders’ references.']);
});
