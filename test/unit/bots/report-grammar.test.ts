import { DateTime } from 'luxon';
import { periodStart } from '../../../src/bots/reports/report.command';
import { parseReportCommand } from '../../../src/bots/reports/report.grammar';

describe('/report: which period', () => {
  test.each([
    ['', { kind: 'run', period: 'weekly' }],
    ['monthly team', { kind: 'run', period: 'monthly', scope: 'team' }],
    ['monthly last', { kind: 'run', period: 'monthly', which: { kind: 'last' } }],
    ['last month', { kind: 'run', period: 'monthly', which: { kind: 'last' } }],
    ['上月 团队', { kind: 'run', period: 'monthly', scope: 'team', which: { kind: 'last' } }],
    ['上周', { kind: 'run', period: 'weekly', which: { kind: 'last' } }],
    ['去年 全公司', { kind: 'run', period: 'yearly', scope: 'org', which: { kind: 'last' } }],
    ['yesterday', { kind: 'run', period: 'daily', which: { kind: 'last' } }],
    ['2026-11', { kind: 'run', period: 'monthly', which: { kind: 'starting', date: { year: 2026, month: 11, day: 1 } } }],
    ['2026年11月 me', { kind: 'run', period: 'monthly', scope: 'me', which: { kind: 'starting', date: { year: 2026, month: 11, day: 1 } } }],
    ['2026-W47', { kind: 'run', period: 'weekly', which: { kind: 'starting', date: { weekYear: 2026, week: 47 } } }],
    ['weekly 2026w07', { kind: 'run', period: 'weekly', which: { kind: 'starting', date: { weekYear: 2026, week: 7 } } }],
    ['2025', { kind: 'run', period: 'yearly', which: { kind: 'starting', date: { year: 2025, month: 1, day: 1 } } }],
    ['2026-11-26 team', { kind: 'run', period: 'daily', scope: 'team', which: { kind: 'starting', date: { year: 2026, month: 11, day: 26 } } }],
  ])('%j', (text, expected) => {
    expect(parseReportCommand(text)).toEqual(expected);
  });

  test.each(['2026-13', '2026-02-30', '2026-W54', '1850', 'weekly 2026-11', '上月 2025'])('%j is not a period', (text) => {
    expect(parseReportCommand(text)).toMatchObject({ kind: 'invalid', reason: 'bad_period' });
  });

  test('a subscription reports the period just ended: it takes no date', () => {
    expect(parseReportCommand('subscribe monthly 2026-11')).toMatchObject({ kind: 'invalid' });
  });
});

describe('the start of the period asked for, in the reader’s zone', () => {
  const zone = 'Asia/Shanghai';
  const now = DateTime.fromISO('2026-12-01T08:30', { zone }).toJSDate();
  const start = (text: string) => {
    const parsed = parseReportCommand(text);
    if (parsed.kind !== 'run') throw new Error(text);
    return periodStart(parsed.period, parsed.which, now, zone).toISO();
  };
  test.each([
    ['monthly', '2026-12-01T00:00:00.000+08:00'],
    ['monthly last', '2026-11-01T00:00:00.000+08:00'],
    ['last week', '2026-11-23T00:00:00.000+08:00'],
    ['2026-W47', '2026-11-16T00:00:00.000+08:00'],
    ['2025', '2025-01-01T00:00:00.000+08:00'],
    ['yesterday', '2026-11-30T00:00:00.000+08:00'],
  ])('%s starts %s', (text, iso) => {
    expect(start(text)).toBe(iso);
  });
});
