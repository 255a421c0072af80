import { parsePoolAdmin } from '../../../src/bots/admin/pool.admin';
import { poolNoticeCard, poolSettingsCard } from '../../../src/cards/presenters/pool-card';
import { translator } from '../../../src/cards/i18n/i18n';
import type { User } from '../../../src/domain/org/user.entity';
import { poolSchedule, returnDaysFor } from '../../../src/domain/customers/pool-rules';
import { tokenize } from '../../../src/bots/shared/grammar';

const parse = (text: string) => parsePoolAdmin(tokenize(text));

describe('/sfa admin pool grammar', () => {
  test.each([
    ['', { kind: 'show' }],
    ['return 30', { kind: 'return', days: 30, tierDays: {} }],
    ['return 30 A=60 B=45 C=30', { kind: 'return', days: 30, tierDays: { A: 60, B: 45, C: 30 } }],
    ['RETURN 30 a=60 none=40', { kind: 'return', days: 30, tierDays: { A: 60, none: 40 } }],
    ['return 30 A=off', { kind: 'return', days: 30, tierDays: { A: null } }],
    ['退回 30 A＝60 无：40 C=关闭', { kind: 'return', days: 30, tierDays: { A: 60, none: 40, C: null } }],
    ['return off', { kind: 'return', days: null, tierDays: {} }],
    ['退回 关闭', { kind: 'return', days: null, tierDays: {} }],
    ['warn 3', { kind: 'warn', days: 3 }],
    ['提醒 5', { kind: 'warn', days: 5 }],
    ['claims 20', { kind: 'claims', max: 20 }],
    ['claims off', { kind: 'claims', max: null }],
    ['认领 不限', { kind: 'claims', max: null }],
    // Out of range is still parsed: the domain refuses it in the reader's language.
    ['return 400', { kind: 'return', days: 400, tierDays: {} }],
  ])('%p', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test.each(['return', 'return thirty', 'return 30 D=10', 'return 30 A=60 A=70', 'return 30 A=', 'return -5', 'return 3.5', 'return "30"', 'warn', 'warn 3 4', 'warn off', 'claims', 'claims 5 6', 'claims -1', 'oops', 'return off 30'])('usage for %p', (text) => {
    expect(parse(text)).toEqual({ kind: 'usage' });
  });
});

describe('pool rules', () => {
  const rules = { returnDays: 30, tierDays: { A: 60, none: null }, warnDays: 3, maxClaims: null };
  test('a tier uses its own period, else the default; "none" is customers without a tier; off is never', () => {
    expect([returnDaysFor(rules, 'A'), returnDaysFor(rules, 'B'), returnDaysFor(rules, 'C'), returnDaysFor(rules, null)]).toEqual([60, 30, 30, null]);
    expect(returnDaysFor({ ...rules, returnDays: null }, 'A')).toBeNull();
  });
  test('warned M days before day N; a late warning moves the return to M days after it', () => {
    expect(poolSchedule('2026-11-01', 30, 3, null, '2026-11-10')).toEqual({ warnOn: '2026-11-28', returnOn: '2026-12-01' });
    expect(poolSchedule('2026-11-01', 30, 3, '2026-11-28', '2026-12-01')).toEqual({ warnOn: '2026-11-28', returnOn: '2026-12-01' });
    expect(poolSchedule('2026-01-01', 30, 3, null, '2026-06-10')).toEqual({ warnOn: '2026-06-10', returnOn: '2026-06-13' });
    expect(poolSchedule('2026-01-01', 30, 3, '2026-06-10', '2026-06-12')).toEqual({ warnOn: '2026-06-10', returnOn: '2026-06-13' });
    // Across a month end and a leap day.
    expect(poolSchedule('2028-02-01', 30, 3, null, '2028-02-01')).toEqual({ warnOn: '2028-02-28', returnOn: '2028-03-02' });
  });
});

describe('pool cards', () => {
  const user = (locale: string) => ({ locale, timezone: 'Asia/Shanghai' }) as User;
  test('the warning DM: each customer with when it returns and three buttons; returns listed', () => {
    const card = poolNoticeCard(
      { warnings: [{ customerId: 'c1', name: 'ACME', returnOn: '2026-12-01', lastActivityOn: '2026-11-01' }], returns: [{ customerId: 'c2', name: 'Old Co', daysInactive: 31 }] },
      { t: translator('zh-CN'), user: user('zh-CN') },
    );
    expect(card.header).toBe('即将退回公海的客户（1）');
    expect(card.sections![0]!.lines).toEqual(['*ACME* — 自 2026年11月1日 起无跟进；将于 2026年12月1日 退回公海']);
    expect(card.sections![0]!.buttons!.map((b) => [b.action, b.value, b.label])).toEqual([['visit.log_for', 'c1', '记录拜访'], ['visit.plan_for', 'c1', '计划拜访'], ['customer.open', 'c1', '详情']]);
    expect(card.sections![1]).toEqual({ title: '今天已退回公海（1）', lines: ['• *Old Co* — 31 天无跟进'] });
  });
  test('the settings card says what is in force', () => {
    const card = poolSettingsCard({ returnDays: 30, tierDays: { A: 60, none: null }, warnDays: 3, maxClaims: 20 }, { due: 4, until: '2026-12-07' }, { t: translator('en'), user: user('en') });
    expect(card.sections![0]!.lines).toEqual([
      'Auto-return: an owned customer with no activity for 30 days goes back to the pool.',
      'By tier: A 60 days · no tier never',
      'Owners are warned 3 days before.',
      'Claims: a rep may hold at most 20 customers claimed from the pool.',
      'Due to return by 7 Dec 2026 unless worked: 4.',
    ]);
    const off = poolSettingsCard({ returnDays: null, tierDays: {}, warnDays: 1, maxClaims: null }, { due: 0, until: '2026-12-07' }, { t: translator('zh-CN'), user: user('zh-CN') });
    expect(off.sections![0]!.lines).toEqual(['自动退回：关闭。无论闲置多久，客户都留在负责人名下。', '退回前 1 天提醒负责人。', '认领：不限数量。']);
  });
});
