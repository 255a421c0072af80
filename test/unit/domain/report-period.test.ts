import { DateTime } from 'luxon';
import { periodWindow } from '../../../src/domain/reports/report-period';

const iso = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toISO();

test('a week is Monday to Monday in the reader’s zone: Sunday 23:30 in Shanghai is still that week', () => {
  const at = DateTime.fromISO('2026-11-29T23:30', { zone: 'Asia/Shanghai' }).toJSDate();
  const w = periodWindow('weekly', at, 'Asia/Shanghai');
  expect(w.label).toBe('2026-W48');
  expect(iso(w.start, 'Asia/Shanghai')).toBe('2026-11-23T00:00:00.000+08:00');
  expect(iso(w.end, 'Asia/Shanghai')).toBe('2026-11-30T00:00:00.000+08:00');
  expect(iso(w.previousStart, 'Asia/Shanghai')).toBe('2026-11-16T00:00:00.000+08:00');
  // The same instant is Sunday afternoon in UTC: same week there too, but other boundaries.
  expect(iso(periodWindow('weekly', at, 'UTC').start, 'UTC')).toBe('2026-11-23T00:00:00.000Z');
});

test('ISO week years: 1 January 2027 is in 2026-W53, 4 January 2027 starts 2027-W01', () => {
  expect(periodWindow('weekly', new Date('2027-01-01T12:00:00Z'), 'UTC')).toMatchObject({ label: '2026-W53', start: new Date('2026-12-28T00:00:00Z') });
  expect(periodWindow('weekly', new Date('2027-01-04T12:00:00Z'), 'UTC').label).toBe('2027-W01');
});

test('a week with a change of clocks is 169 hours long (New York, 1 November 2026)', () => {
  const w = periodWindow('weekly', new Date('2026-10-28T12:00:00Z'), 'America/New_York');
  expect(iso(w.start, 'America/New_York')).toBe('2026-10-26T00:00:00.000-04:00');
  expect(iso(w.end, 'America/New_York')).toBe('2026-11-02T00:00:00.000-05:00');
  expect((w.end.getTime() - w.start.getTime()) / 3_600_000).toBe(169);
});

test('days, months and years, each with the period before and the last twelve', () => {
  const at = new Date('2026-11-26T16:30:00Z'); // 00:30 on 27 November in Shanghai
  const day = periodWindow('daily', at, 'Asia/Shanghai');
  expect(day.label).toBe('2026-11-27');
  expect(iso(day.previousStart, 'Asia/Shanghai')).toBe('2026-11-26T00:00:00.000+08:00');

  const month = periodWindow('monthly', at, 'Asia/Shanghai');
  expect(month.label).toBe('2026-11');
  expect(iso(month.end, 'Asia/Shanghai')).toBe('2026-12-01T00:00:00.000+08:00');
  expect(month.trendStarts).toHaveLength(12);
  expect(iso(month.trendStarts[0]!, 'Asia/Shanghai')).toBe('2025-12-01T00:00:00.000+08:00');
  expect(month.trendStarts.at(-1)).toEqual(month.start);
  expect(month.trendStarts.at(-2)).toEqual(month.previousStart);

  const year = periodWindow('yearly', at, 'Asia/Shanghai');
  expect(year.label).toBe('2026');
  expect(iso(year.previousStart, 'Asia/Shanghai')).toBe('2025-01-01T00:00:00.000+08:00');
  expect(iso(year.trendStarts[0]!, 'Asia/Shanghai')).toBe('2015-01-01T00:00:00.000+08:00');
});

describe('a period not over yet is reported to date', () => {
  const zone = 'Asia/Shanghai';
  const local = (s: string) => DateTime.fromISO(s, { zone }).toJSDate();
  test('1–3 December 15:00 is compared with 1–3 November 15:00, not with all of November', () => {
    const asOf = local('2026-12-03T15:00');
    const w = periodWindow('monthly', asOf, zone, asOf);
    expect(w).toMatchObject({ toDate: true, start: local('2026-12-01T00:00'), end: asOf, previousStart: local('2026-11-01T00:00'), previousEnd: local('2026-11-03T15:00') });
  });
  test('a week to date: Monday to Wednesday noon against last Monday to Wednesday noon', () => {
    const asOf = local('2026-12-02T12:00');
    expect(periodWindow('weekly', asOf, zone, asOf)).toMatchObject({ toDate: true, previousStart: local('2026-11-23T00:00'), previousEnd: local('2026-11-25T12:00') });
  });
  test('a year to date compares the same months and days', () => {
    const asOf = local('2026-03-10T00:00');
    expect(periodWindow('yearly', asOf, zone, asOf)).toMatchObject({ toDate: true, previousEnd: local('2025-03-10T00:00') });
  });
  test('a period that ended before the report is whole', () => {
    const w = periodWindow('monthly', local('2026-11-15T00:00'), zone, local('2026-12-03T15:00'));
    expect(w).toMatchObject({ toDate: false, end: local('2026-12-01T00:00'), previousEnd: local('2026-11-01T00:00') });
  });
});
