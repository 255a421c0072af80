import { stallReasons, type StallContext } from '../../../src/domain/opportunities/stall-rules';
import { followUpDueAt, reminderDueAt } from '../../../src/domain/activities/visit-reminders';

const now = new Date('2026-11-30T01:05:00Z');
const days = (n: number) => new Date(now.getTime() - n * 24 * 3600_000);
const ctx = (extra: Partial<StallContext> = {}): StallContext => ({ now, today: '2026-11-30', lastActivityAt: days(1), ...extra });
const deal = (extra: Record<string, unknown> = {}) => ({
  stage: 'initial_contact' as const,
  stageChangedAt: days(1),
  expectedCloseDate: '2026-12-31',
  nextStep: 'Send the quote',
  score: 40,
  createdAt: days(3),
  ...extra,
}) as Parameters<typeof stallReasons>[0];

describe('stall rules', () => {
  test('a healthy deal needs no nudge', () => {
    expect(stallReasons(deal(), ctx())).toEqual([]);
  });

  test.each([
    ['initial_contact', 14],
    ['solution', 21],
    ['quote', 14],
    ['negotiation', 21],
  ] as const)('%s may sit %i days, not one more', (stage, limit) => {
    expect(stallReasons(deal({ stage, stageChangedAt: days(limit) }), ctx())).toEqual([]);
    expect(stallReasons(deal({ stage, stageChangedAt: days(limit + 1) }), ctx())).toEqual([{ kind: 'stage_too_long', stage, days: limit + 1, limit }]);
  });

  test('a tenant may allow more (or fewer) days per stage', () => {
    expect(stallReasons(deal({ stageChangedAt: days(20) }), ctx({ stallDays: { initial_contact: 30 } }))).toEqual([]);
    expect(stallReasons(deal({ stage: 'quote', stageChangedAt: days(8) }), ctx({ stallDays: { quote: 7 } }))).toEqual([{ kind: 'stage_too_long', stage: 'quote', days: 8, limit: 7 }]);
  });

  test('a close date is past once that day is over in the tenant’s time zone', () => {
    expect(stallReasons(deal({ expectedCloseDate: '2026-11-30' }), ctx())).toEqual([]);
    expect(stallReasons(deal({ expectedCloseDate: '2026-11-29' }), ctx())).toEqual([{ kind: 'close_date_passed', date: '2026-11-29' }]);
  });

  test('no next step, or only blanks, is a reason', () => {
    expect(stallReasons(deal({ nextStep: null }), ctx())).toEqual([{ kind: 'no_next_step' }]);
    expect(stallReasons(deal({ nextStep: '   ' }), ctx())).toEqual([{ kind: 'no_next_step' }]);
  });

  test('a high score with 14 quiet days is a reason; a new deal has not been quiet that long', () => {
    expect(stallReasons(deal({ score: 70, createdAt: days(40) }), ctx({ lastActivityAt: days(14) }))).toEqual([{ kind: 'hot_but_quiet', score: 70, days: 14 }]);
    expect(stallReasons(deal({ score: 69, createdAt: days(40) }), ctx({ lastActivityAt: days(30) }))).toEqual([]);
    expect(stallReasons(deal({ score: 90, createdAt: days(13) }), ctx({ lastActivityAt: days(60) }))).toEqual([]);
    expect(stallReasons(deal({ score: 90, createdAt: days(20) }), ctx({ lastActivityAt: null }))).toEqual([{ kind: 'hot_but_quiet', score: 90, days: 20 }]);
  });

  test('closed deals are never nudged', () => {
    expect(stallReasons(deal({ stage: 'won', stageChangedAt: days(99), nextStep: null }), ctx())).toEqual([]);
    expect(stallReasons(deal({ stage: 'lost', expectedCloseDate: '2020-01-01' }), ctx())).toEqual([]);
  });

  test('several reasons are all listed', () => {
    expect(stallReasons(deal({ stageChangedAt: days(30), expectedCloseDate: '2026-11-01', nextStep: null }), ctx()).map((r) => r.kind)).toEqual(['stage_too_long', 'close_date_passed', 'no_next_step']);
  });
});

describe('reminder times', () => {
  test('a visit reminder is the lead time before the visit', () => {
    expect(reminderDueAt(new Date('2026-12-01T02:00:00Z'), 30).toISOString()).toBe('2026-12-01T01:30:00.000Z');
    expect(reminderDueAt(new Date('2026-12-01T02:00:00Z'), 0).toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  test('a follow-up is due at 09:00 on its date in the user’s time zone, daylight saving included', () => {
    expect(followUpDueAt('2026-12-02', 'Asia/Shanghai', now)!.toISOString()).toBe('2026-12-02T01:00:00.000Z');
    expect(followUpDueAt('2026-12-02', 'America/New_York', now)!.toISOString()).toBe('2026-12-02T14:00:00.000Z');
    expect(followUpDueAt('2027-07-02', 'America/New_York', now)!.toISOString()).toBe('2027-07-02T13:00:00.000Z');
  });

  test('a follow-up for today after 09:00 is due now; a past date gets none; a bad zone counts as UTC', () => {
    const at = new Date('2026-11-30T07:00:00Z'); // 15:00 in Shanghai
    expect(followUpDueAt('2026-11-30', 'Asia/Shanghai', at)).toEqual(at);
    expect(followUpDueAt('2026-11-29', 'Asia/Shanghai', at)).toBeNull();
    expect(followUpDueAt('2026-12-01', 'Not/AZone', at)!.toISOString()).toBe('2026-12-01T09:00:00.000Z');
  });
});
