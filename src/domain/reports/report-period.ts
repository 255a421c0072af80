import { DateTime, type DurationUnit } from 'luxon';
import type { ReportPeriod } from '../report-subscriptions/report-subscription.entity';

const units = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' } as const;
/** How much of a period has passed, in units that carry over to the period before ("2 days 15 hours in"). */
const elapsedUnits: Record<ReportPeriod, DurationUnit[]> = {
  daily: ['hours', 'minutes', 'seconds', 'milliseconds'],
  weekly: ['days', 'hours', 'minutes', 'seconds', 'milliseconds'],
  monthly: ['days', 'hours', 'minutes', 'seconds', 'milliseconds'],
  yearly: ['months', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'],
};

export type PeriodWindow = {
  period: ReportPeriod;
  /** "2026-11-26", "2026-W48", "2026-11", "2026". */
  label: string;
  start: Date;
  /** Exclusive: the end of the period, or — for a period not over yet — the moment the report is as of. */
  end: Date;
  /** The period is not over: the figures are to date, compared with the same span of the period before. */
  toDate: boolean;
  previousStart: Date;
  /** Exclusive: the start of this period, or for a report to date the same span into the previous one. */
  previousEnd: Date;
  /** Starts of the last 12 periods, oldest first, ending with this one. */
  trendStarts: Date[];
};

/**
 * The period containing `at` in `zone` (weeks start on Monday), as it stood at `asOf` (without
 * one: the whole period): a period that has not ended by then is reported to date and compared
 * with as much of the period before (1–3 December with 1–3 November), never a few days with a
 * whole month.
 */
export function periodWindow(period: ReportPeriod, at: Date, zone: string, asOf?: Date): PeriodWindow {
  const unit = units[period];
  const plural = `${unit}s` as const;
  const inZone = (d: Date) => {
    const local = DateTime.fromJSDate(d, { zone });
    return local.isValid ? local : DateTime.fromJSDate(d, { zone: 'UTC' });
  };
  const start = inZone(at).startOf(unit);
  const periodEnd = start.plus({ [plural]: 1 });
  const previousStart = start.minus({ [plural]: 1 });
  const toDate = !!asOf && asOf.getTime() < periodEnd.toMillis();
  const end = toDate ? inZone(new Date(Math.max(asOf.getTime(), start.toMillis()))) : periodEnd;
  const sameSpan = previousStart.plus(end.diff(start, elapsedUnits[period]));
  return {
    period,
    label: labelOf(period, start),
    start: start.toJSDate(),
    end: end.toJSDate(),
    toDate,
    previousStart: previousStart.toJSDate(),
    previousEnd: toDate && sameSpan < start ? sameSpan.toJSDate() : start.toJSDate(),
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
