import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { reportReach, type ReportScope } from '../reports/build-kpi-report';
import type { ReportReach } from '../reports/kpi-queries';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { Tenant } from '../tenants/tenant.entity';
import { factorMultiplier, type FactorEffect } from './apply-factors';
import { forecastSeries, type ForecastResult, type ModelName } from './engine';
import type { ForecastFactor } from './forecast-factor';
import { periodSeries, type ForecastDimension } from './forecast-series';
import { factorShares } from './factor-shares';
import { listForecastFactors } from './list-forecast-factors';
import { pipelineByMonth, type PipelineView } from './pipeline-by-month';

export type ForecastPoint = { month: string; point: number; low80: number; high80: number; low95: number; high95: number; baseline: number; factor: number };

export type ForecastLine = {
  key: string;
  label: string;
  /** Every month of history, oldest first (zeros included), revenue exact. */
  history: Array<{ month: string; revenue: string }>;
  forecast: ForecastPoint[];
  model: ModelName;
  reason: string;
  backtest: ForecastResult['backtest'];
};

export type Forecast = {
  scope: ReportScope;
  by: ForecastDimension;
  currency: string;
  timezone: string;
  /** The first month forecast (YYYY-MM): history is everything before it. */
  asOf: string;
  months: number;
  lines: ForecastLine[];
  /** Keys with history that are not among `lines` (the smallest ones). */
  otherKeys: number;
  /** The market factors that move at least one line in the forecast months. */
  factors: ForecastFactor[];
  pipeline: PipelineView;
};

export type ForecastInput = { scope: ReportScope; by: ForecastDimension; months: number; asOf?: string; now?: Date; maxKeys?: number };

const historyMonths = 60;
const month = (d: DateTime) => d.toFormat('yyyy-LL');
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The forecast of the next `months` months of won revenue for the actor's reach, in total or per
 * region, product or category: each series' history by month in the tenant's time zone, the model
 * its backtest chose with 80 % and 95 % intervals, the market factors' layer on top, and the open
 * pipeline by expected close month beside it. `asOf` forecasts as if that month were the first
 * unknown one (backtesting on one's own data).
 */
export async function buildForecast(em: EntityManager, actor: Actor, input: ForecastInput): Promise<Forecast> {
  if (!Number.isInteger(input.months) || input.months < 1 || input.months > 24) throw invalidInput('Forecast 1 to 24 months.', [{ field: 'months', problem: 'out of range', code: 'out_of_range', min: 1, max: 24 }]);
  const access = await resolveAccess(em, actor);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const zone = tenant.defaultTimezone;
  const reach: ReportReach = { ...(await reportReach(em, access, input.scope)), currency: tenant.defaultCurrency };
  const first = firstForecastMonth(input.asOf, input.now ?? new Date(), zone);
  const from = first.minus({ months: historyMonths });
  const rows = await periodSeries(em, reach, { dimension: input.by, period: 'month', from: from.toJSDate(), to: first.toJSDate(), zone });
  const series = monthlyValues(rows, first);
  const ranked = [...series.values()].sort((a, b) => b.recent.comparedTo(a.recent) || a.label.localeCompare(b.label));
  const shown = ranked.slice(0, input.maxKeys ?? 8);
  const forecastMonths = Array.from({ length: input.months }, (_, i) => month(first.plus({ months: i })));
  const factors = (await listForecastFactors(em, actor)).filter((f) => forecastMonths.some((m) => m >= f.fromMonth && (!f.untilMonth || m <= f.untilMonth)));
  const shares = await factorShares(em, reach, { by: input.by, factors, from: first.minus({ months: 12 }).toJSDate(), to: first.toJSDate(), zone });
  const lines: ForecastLine[] = [];
  for (const s of shown) {
    const result = await forecastSeries(s.values.map((v) => v.toNumber()), input.months, { seasonLength: 12 });
    const effects: FactorEffect[] = factors.map((factor) => ({ factor, share: shares.get(factor.id)?.(s.key) ?? 0 }));
    lines.push({
      key: s.key,
      label: s.label,
      history: s.months.map((m, i) => ({ month: m, revenue: s.values[i]!.toFixed(2) })),
      forecast: forecastMonths.map((m, i) => layered(m, result, i, factorMultiplier(m, effects))),
      model: result.model,
      reason: result.reason,
      backtest: result.backtest,
    });
  }
  return {
    scope: input.scope,
    by: input.by,
    currency: reach.currency,
    timezone: zone,
    asOf: month(first),
    months: input.months,
    lines,
    otherKeys: ranked.length - shown.length,
    factors: factors.filter((f) => lines.some((l) => (shares.get(f.id)?.(l.key) ?? 0) > 0)),
    pipeline: await pipelineByMonth(em, reach, { first: month(first), months: input.months }),
  };
}

/** The statistical baseline, and the same moved by the factors (intervals moved alike). */
function layered(m: string, r: ForecastResult, i: number, factor: number): ForecastPoint {
  const at = (xs: number[]) => round2(Math.max(0, xs[i]! * factor));
  return { month: m, point: at(r.point), low80: at(r.low80), high80: at(r.high80), low95: at(r.low95), high95: at(r.high95), baseline: round2(Math.max(0, r.point[i]!)), factor: Math.round(factor * 10_000) / 10_000 };
}

/** The first month to forecast: the one named (YYYY-MM), or the current month in the tenant's zone. */
export function firstForecastMonth(asOf: string | undefined, now: Date, zone: string): DateTime {
  if (asOf === undefined) return DateTime.fromJSDate(now, { zone }).startOf('month');
  const named = /^\d{4}-(0[1-9]|1[0-2])$/.test(asOf) ? DateTime.fromFormat(asOf, 'yyyy-LL', { zone }) : null;
  if (!named?.isValid) throw invalidInput('Name the month like 2027-01.', [{ field: 'asOf', problem: 'not a month', code: 'not_a_date' }]);
  return named.startOf('month');
}

type KeySeries = { key: string; label: string; months: string[]; values: Decimal[]; recent: Decimal };

/** Each key's months from the first month anyone sold anything to the last known one, zeros filled. */
function monthlyValues(rows: Array<{ key: string; label: string; period: string; revenue: string }>, first: DateTime): Map<string, KeySeries> {
  const out = new Map<string, KeySeries>();
  if (rows.length === 0) return out;
  const start = DateTime.fromFormat(rows.map((r) => r.period).sort()[0]!, 'yyyy-LL', { zone: first.zone });
  const months = Array.from({ length: Math.max(0, Math.round(first.diff(start, 'months').months)) }, (_, i) => month(start.plus({ months: i })));
  const index = new Map(months.map((m, i) => [m, i]));
  for (const r of rows) {
    const s = out.get(r.key) ?? { key: r.key, label: r.label, months, values: months.map(() => new Decimal(0)), recent: new Decimal(0) };
    const i = index.get(r.period);
    if (i !== undefined) s.values[i] = s.values[i]!.plus(r.revenue);
    out.set(r.key, s);
  }
  for (const s of out.values()) s.recent = s.values.slice(-12).reduce((a, b) => a.plus(b), new Decimal(0));
  return out;
}
