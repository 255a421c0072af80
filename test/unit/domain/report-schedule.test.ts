import { DateTime } from 'luxon';
import { dueReport } from '../../../src/domain/report-subscriptions/report-schedule';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();

test('weekly: Monday at the local time in the subscriber zone, covering the week just ended', () => {
  const zone = 'Asia/Shanghai';
  // Monday 30 Nov 2026, 09:00 in Shanghai is 01:00 UTC.
  expect(dueReport('weekly', '09:00', zone, at('2026-11-30T09:00', zone))).toEqual({ periodKey: '2026-W48', coveredAt: expect.any(Date) });
  const covered = dueReport('weekly', '09:00', zone, at('2026-11-30T11:59', zone))!.coveredAt;
  expect(DateTime.fromJSDate(covered, { zone }).toISODate()).toBe('2026-11-23');
  expect(dueReport('weekly', '09:00', zone, at('2026-11-30T08:59', zone))).toBeNull();
  expect(dueReport('weekly', '09:00', zone, at('2026-11-30T12:00', zone))).toBeNull();
  expect(dueReport('weekly', '09:00', zone, at('2026-12-01T09:00', zone))).toBeNull();
  // The same instant is Sunday evening in New York: not due there.
  expect(dueReport('weekly', '09:00', 'America/New_York', at('2026-11-30T09:00', zone))).toBeNull();
});

test('daily, monthly and yearly cover the day, month and year just ended', () => {
  const zone = 'Europe/Berlin';
  expect(dueReport('daily', '07:30', zone, at('2026-11-26T07:45', zone))?.periodKey).toBe('2026-11-25');
  expect(dueReport('daily', '07:30', zone, at('2026-11-26T07:29', zone))).toBeNull();
  expect(dueReport('monthly', '09:00', zone, at('2026-12-01T10:00', zone))?.periodKey).toBe('2026-11');
  expect(dueReport('monthly', '09:00', zone, at('2026-12-02T10:00', zone))).toBeNull();
  expect(dueReport('yearly', '09:00', zone, at('2027-01-01T09:00', zone))?.periodKey).toBe('2026');
});

test('a time zone that does not exist is never due', () => {
  expect(dueReport('daily', '09:00', 'Mars/Olympus', new Date())).toBeNull();
});
