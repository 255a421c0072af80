import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { reportReach, type ReportScope } from '../reports/build-kpi-report';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Tenant } from '../tenants/tenant.entity';
import { periodSeries } from './forecast-series';
import { reachKey } from './record-forecast';

export type AccuracyMonth = { month: string; point: string; actual: string; low80: string; high80: string; low95: string; high95: string; model: string };

export type ForecastAccuracy = {
  /** Closed months with a forecast made at their start (one month ahead), oldest first, the last 12. */
  months: AccuracyMonth[];
  /** Mean absolute percentage error, in percent (months with revenue only); null without any. */
  mape: string | null;
  /** Mean absolute error ÷ that of the seasonal-naive forecast (same month a year before); < 1 beats it. */
  mase: string | null;
  /** Share of months whose actual fell inside the 80 % and the 95 % interval, in percent. */
  coverage80: string | null;
  coverage95: string | null;
};

type Row = { month: string; point: string; low80: string; high80: string; low95: string; high95: string; model: string; seasonal_naive: string | null };

/**
 * How the published total forecasts of the actor's reach fared: each closed month's actual (kept
 * beside its forecast once known) against the forecast made at the start of that month.
 */
export async function forecastAccuracy(em: EntityManager, actor: Actor, input: { scope: ReportScope; now?: Date }): Promise<ForecastAccuracy> {
  const access = await resolveAccess(em, actor);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const reach = { ...(await reportReach(em, access, input.scope)), currency: tenant.defaultCurrency };
  const key = reachKey(input.scope, access.userId);
  const current = DateTime.fromJSDate(input.now ?? new Date(), { zone: tenant.defaultTimezone }).startOf('month');
  const rows = await em.execute<Row[]>(
    `select to_char(month, 'YYYY-MM') as month, point::text, low80::text, high80::text, low95::text, high95::text, model, seasonal_naive::text
       from forecast_snapshots
      where tenant_id = ? and reach = ? and dimension = 'total' and key = '' and made_month = month and month < ?::date
      order by month desc limit 12`,
    [access.tenantId, key, current.toISODate()],
  );
  if (rows.length === 0) return { months: [], mape: null, mase: null, coverage80: null, coverage95: null };
  const oldest = DateTime.fromFormat(rows[rows.length - 1]!.month, 'yyyy-LL', { zone: tenant.defaultTimezone });
  const actuals = await periodSeries(em, reach, { dimension: 'total', period: 'month', from: oldest.toJSDate(), to: current.toJSDate(), zone: tenant.defaultTimezone });
  const actualOf = (m: string) => new Decimal(actuals.find((a) => a.period === m)?.revenue ?? 0);
  const months = rows.reverse().map((r) => ({ month: r.month, point: r.point, actual: actualOf(r.month).toFixed(2), low80: r.low80, high80: r.high80, low95: r.low95, high95: r.high95, model: r.model }));
  for (const m of months) {
    await em.execute(`update forecast_snapshots set actual = ? where tenant_id = ? and reach = ? and dimension = 'total' and key = '' and month = ?::date`, [m.actual, access.tenantId, key, `${m.month}-01`]);
  }
  return { months, ...scores(months, rows) };
}

function scores(months: AccuracyMonth[], rows: Row[]): Omit<ForecastAccuracy, 'months'> {
  const D = (v: string) => new Decimal(v);
  const withRevenue = months.filter((m) => !D(m.actual).isZero());
  const mape = withRevenue.length ? withRevenue.reduce((s, m) => s.plus(D(m.actual).minus(m.point).abs().dividedBy(m.actual)), new Decimal(0)).dividedBy(withRevenue.length).times(100).toFixed(1) : null;
  const naive = months.map((m) => rows.find((r) => r.month === m.month)?.seasonal_naive).map((v, i) => (v === null || v === undefined ? null : D(months[i]!.actual).minus(v).abs()));
  const naiveErrors = naive.filter((e): e is Decimal => e !== null);
  const errors = months.filter((_, i) => naive[i] !== null).map((m) => D(m.actual).minus(m.point).abs());
  const naiveMean = naiveErrors.length ? naiveErrors.reduce((a, b) => a.plus(b), new Decimal(0)).dividedBy(naiveErrors.length) : null;
  const mase = naiveMean && !naiveMean.isZero() ? errors.reduce((a, b) => a.plus(b), new Decimal(0)).dividedBy(errors.length).dividedBy(naiveMean).toFixed(2) : null;
  const inside = (low: keyof AccuracyMonth, high: keyof AccuracyMonth) => ((months.filter((m) => D(m.actual).gte(m[low]) && D(m.actual).lte(m[high])).length / months.length) * 100).toFixed(0);
  return { mape, mase, coverage80: inside('low80', 'high80'), coverage95: inside('low95', 'high95') };
}
