import { DateTime } from 'luxon';
import { labelOf } from '../reports/report-period';
import type { ReportPeriod } from './report-subscription.entity';

/** A post missed while no worker ran (a deploy at 09:00) is still made within this many hours. */
export const catchUpHours = 3;

export type DueReport = {
  /** The period the report covers, e.g. "2026-W47", "2026-11", "2026-11-25": the post's identity. */
  periodKey: string;
  /** An instant inside the covered period, for the report's "period containing this moment". */
  coveredAt: Date;
};

/**
 * Whether a report of `period` at `localTime` in `zone` is due at `now`: after each period ends —
 * every day, on Mondays, on the 1st, on 1 January — at the local time, and for `catchUpHours`
 * after. It then covers the period just ended.
 */
export function dueReport(period: ReportPeriod, localTime: string, zone: string, now: Date): DueReport | null {
  const local = DateTime.fromJSDate(now, { zone });
  if (!local.isValid) return null;
  const [hour, minute] = localTime.split(':').map(Number) as [number, number];
  const unit = ({ daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' } as const)[period];
  const start = local.startOf(unit);
  const sendAt = start.set({ hour, minute });
  if (local < sendAt || local >= sendAt.plus({ hours: catchUpHours })) return null;
  const covered = start.minus({ [`${unit}s`]: 1 });
  return { periodKey: labelOf(period, covered), coveredAt: covered.plus({ hours: 12 }).toJSDate() };
}
