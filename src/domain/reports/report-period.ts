import { DateTime } from 'luxon';
import type { ReportPeriod } from '../report-subscriptions/report-subscription.entity';

const units = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' } as const;

export type PeriodWindow = {
  period: ReportPeriod;
  /** "2026-11-26", "2026-W48", "2026-11", "2026". */
  label: string;
  start: Date;
  /** Exclusive. */
  end: Date;
  previousStart: Date;
  /** Starts of the last 12 periods, oldest first, ending with this one. */
  trendStarts: Date[];
};

/** The period containing `at` in `zone` (weeks start on Monday), with the one before and the last twelve. */
export function periodWindow(period: ReportPeriod, at: Date, zone: string): PeriodWindow {
  const unit = units[period];
  const local = DateTime.fromJSDate(at, { zone });
  const start = (local.isValid ? local : DateTime.fromJSDate(at, { zone: 'UTC' })).startOf(unit);
  const plural = `${unit}s` as const;
  return {
    period,
    label: labelOf(period, start),
    start: start.toJSDate(),
    end: start.plus({ [plural]: 1 }).toJSDate(),
    previousStart: start.minus({ [plural]: 1 }).toJSDate(),
    trendStarts: Array.from({ length: 12 }, (_, i) => start.minus({ [plural]: 11 - i }).toJSDate()),
  };
}

export function labelOf(period: ReportPeriod, start: DateTime): string {
  switch (period) {
    case 'daily':
      return start.toISODate()!;
    case 'weekly':
      return `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`;
    case 'monthly':
      return start.toFormat('yyyy-LL');
    case 'yearly':
      return start.toFormat('yyyy');
  }
}

/** The PostgreSQL date_trunc field for a period. */
export const truncField = (period: ReportPeriod): string => units[period];
