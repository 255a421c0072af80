import { DateTime } from 'luxon';
import { failedDeliveriesCard } from '../../../../src/cards/presenters/failed-deliveries-card';
import { managerSummaryCard, nudgeDigestCard } from '../../../../src/cards/presenters/nudge-card';
import { followUpReminderCard, visitReminderCard } from '../../../../src/cards/presenters/reminder-card';
import { translator } from '../../../../src/cards/i18n/i18n';
import { en } from '../../../../src/cards/i18n/en';
import { zhCN } from '../../../../src/cards/i18n/zh-CN';
import { renderCardBlocks } from '../../../../src/cards/slack';
import type { Interaction } from '../../../../src/domain/activities/interaction.entity';
import type { StalledOpportunity } from '../../../../src/domain/opportunities/list-stalled-opportunities';
import type { Opportunity } from '../../../../src/domain/opportunities/opportunity.entity';
import type { User } from '../../../../src/domain/org/user.entity';
import { checkBlockKitLimits } from '../../../support/fake-slack';

const user = (locale: string, timezone: string) => ({ id: 'u1', locale, timezone, reminderLeadMinutes: 30 }) as User;
const ctx = (locale: string, timezone = 'Asia/Shanghai') => ({ t: translator(locale), user: user(locale, timezone) });
const visit = {
  id: 'v1',
  customerId: 'c1',
  type: 'visit',
  status: 'planned',
  scheduledAt: new Date('2026-12-01T02:00:00Z'),
  place: '浦东新区世纪大道 100 号',
  purpose: '价格评审'.repeat(300),
} as Interaction;
const now = new Date('2026-12-01T01:30:00Z');

const stalled = (i: number): StalledOpportunity => ({
  opportunity: { id: `o${i}`, customerId: `c${i}`, ownerId: `u${i % 3}`, title: `Deal ${i} ${'很长的标题'.repeat(30)}`, amount: '125000.50', currency: 'CNY', stage: 'quote', expectedCloseDate: '2026-11-01' } as Opportunity,
  customerName: `客户 ${i}`,
  ownerName: `Rep ${i % 3}`,
  reasons: [{ kind: 'stage_too_long', stage: 'quote', days: 30, limit: 14 }, { kind: 'close_date_passed', date: '2026-11-01' }, { kind: 'no_next_step' }, { kind: 'hot_but_quiet', score: 88, days: 21 }],
});

test('English and Chinese have the same job texts', () => {
  const keys = (o: object, p = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [`${p}${k}`] : keys(v, `${p}${k}.`)));
  expect(keys(zhCN.jobs).sort()).toEqual(keys(en.jobs).sort());
});

test('the visit reminder shows the local time, minutes left and the visit buttons, within Slack limits', () => {
  const card = visitReminderCard({ visit, customerName: '上海华东贸易', now }, ctx('zh-CN'));
  expect(card.text).toBe(`30 分钟后与 *上海华东贸易* 的拜访，${DateTime.fromISO('2026-12-01T10:00', { zone: 'Asia/Shanghai' }).setLocale('zh-CN').toFormat('M月d日 ccc HH:mm')}。`);
  expect(card.buttons!.map((b) => b.action)).toEqual(['visit.log_outcome', 'visit.reschedule', 'visit.cancel']);
  expect(checkBlockKitLimits(renderCardBlocks(card))).toEqual([]);
  const english = visitReminderCard({ visit, customerName: 'ACME', now: new Date('2026-12-01T02:00:00Z') }, ctx('en', 'America/New_York'));
  expect(english.text).toBe('Visit with *ACME* starts now, Mon 30 Nov, 21:00.');
});

test('the follow-up reminder offers to log or plan the next contact', () => {
  const done = { ...visit, status: 'done', occurredAt: now, outcome: 'partly', nextStep: 'Send revised quote', followUpDate: '2026-12-03', notes: 'Buyer wants a discount' } as Interaction;
  const card = followUpReminderCard({ visit: done, customerName: 'ACME' }, ctx('en'));
  expect(card.text).toContain('3 Dec 2026');
  expect(card.buttons!.map((b) => [b.action, b.value])).toEqual([['visit.log_for', 'c1'], ['visit.plan_for', 'c1']]);
  expect(checkBlockKitLimits(renderCardBlocks(card))).toEqual([]);
});

test('a digest of many long deals stays within Slack limits and says how many are left out', () => {
  const items = Array.from({ length: 40 }, (_, i) => stalled(i));
  for (const locale of ['en', 'zh-CN']) {
    const card = nudgeDigestCard(items, ctx(locale));
    const message = renderCardBlocks(card);
    expect(checkBlockKitLimits(message)).toEqual([]);
    expect(JSON.stringify(message)).toContain(locale === 'en' ? '…and 28 more' : '还有 28 个');
  }
  const one = nudgeDigestCard([stalled(1)], ctx('en'));
  expect(one.sections![0]!.lines[1]).toBe('↳ 30 days in Quote (usual: 14) · expected close 1 Nov 2026 has passed · no next step · score 88, no activity for 21 days');
  expect(one.sections![0]!.buttons!.map((b) => [b.action, b.value])).toEqual([
    ['nudge.advance', 'o1|quote|negotiation'],
    ['opp.snooze', 'o1|3'],
    ['opp.snooze', 'o1|7'],
    ['visit.log_for', 'c1'],
    ['opp.open', 'o1'],
  ]);
});

test('the manager summary groups by rep, biggest backlog first, within limits', () => {
  const items = Array.from({ length: 60 }, (_, i) => stalled(i));
  const card = managerSummaryCard(items, { ...ctx('en'), weekOf: '2026-11-30' });
  expect(card.header).toBe('Stalled deals in your team (60)');
  expect(card.sections!.map((s) => s.title)).toEqual(['Rep 0 · 20 stalled', 'Rep 1 · 20 stalled', 'Rep 2 · 20 stalled']);
  expect(checkBlockKitLimits(renderCardBlocks(card))).toEqual([]);
});

test('failed deliveries: a line each, or a reassuring empty state', () => {
  const item = { id: '1', kind: 'visit_reminder', userId: 'u1', userName: 'Amy', channel: 'D1', error: 'account_inactive', attempts: 1, at: now };
  const card = failedDeliveriesCard({ items: [item, { ...item, kind: 'mystery' }], total: 2 }, ctx('en', 'UTC'));
  expect(card.sections![0]!.lines).toEqual([
    'Tue 1 Dec, 01:30 · Visit reminder → Amy · `account_inactive` (1×)',
    'Tue 1 Dec, 01:30 · Message → Amy · `account_inactive` (1×)',
  ]);
  expect(failedDeliveriesCard({ items: [], total: 0 }, ctx('zh-CN')).text).toBe('没有发送失败的消息。');
});
