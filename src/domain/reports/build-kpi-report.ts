import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openStages, type Stage } from '../opportunities/opportunity.entity';
import type { ReportPeriod } from '../report-subscriptions/report-subscription.entity';
import { resolveAccess, unitsInReach, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, invalidInput } from '../shared/domain-error';
import { Tenant } from '../tenants/tenant.entity';
import { KpiQueries, type BreakdownName, type PipelineRow, type ReportReach, type RevenueRow } from './kpi-queries';
import { labelOf, periodWindow, type PeriodWindow } from './report-period';

export type ReportScope = 'me' | 'team' | 'org';

/** A figure now and in the period before, with the change in percent (null: nothing to compare with). */
export type Figure = { current: string; previous: string; changePercent: string | null };

/** A rate in percent, and its change in percentage points; null where no deal closed (no rate to speak of). */
export type RateFigure = { current: string | null; previous: string | null; changePoints: string | null };

/** One row of a breakdown; `change` is current − previous revenue (signed, exact). */
export type Contributor = { key: string; label: string; revenue: Figure; change: string; dealsWon: number };

export type PipelineStage = { stage: Stage; count: number; amount: string };

export type Pipeline = {
  /** null: as it stands now; otherwise the moment it is shown as of (the end of a past period). */
  asOf: Date | null;
  /** Deals in the tenant's currency, per stage. */
  stages: PipelineStage[];
  /** Open deals in other currencies, per currency: counted and summed apart, never mixed in. */
  otherCurrencies: Array<{ currency: string; count: number; amount: string }>;
};

export type KpiReport = {
  scope: ReportScope;
  window: PeriodWindow;
  timezone: string;
  /** Money figures are in this currency; deals in others are listed in `otherCurrencies`. */
  currency: string;
  revenueWon: Figure;
  /** Deals won and lost in the period, in any currency. */
  dealsWon: Figure;
  dealsLost: Figure;
  /** Won ÷ (won + lost) of the deals closed in the period, any currency. */
  conversion: RateFigure;
  /** Visits done (not calls, e-mails or meetings). */
  visits: Figure;
  newCustomers: Figure;
  pipeline: Pipeline;
  byRep: Contributor[];
  /** By the unit each deal was closed in. */
  byUnit: Contributor[];
  /** By the deal's region (an imported order's own), else its customer's. */
  byRegion: Contributor[];
  /** Won revenue by product, from the lines of the won deals' imported orders, else of their accepted quotes. */
  byProduct: Contributor[];
  /** Per breakdown, the (at most 3) rows that raised revenue most against the previous period, and the 3 that lowered it most. */
  largestChanges: Record<BreakdownName, { up: Contributor[]; down: Contributor[] }>;
  /** The last 12 periods; the last one `partial` when the report is to date. */
  trend: Array<{ label: string; revenue: string; visits: number; partial: boolean }>;
  /** Won in the period in other currencies than the tenant's. */
  otherCurrencies: Array<{ currency: string; revenue: string; deals: number }>;
  /** Which unit a figure of the past belongs to: the one it happened in. */
  history: 'unit_at_the_time';
};

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export function changePercent(current: Decimal.Value, previous: Decimal.Value): string | null {
  const prev = new D(previous);
  if (prev.isZero()) return null;
  return new D(current).minus(prev).dividedBy(prev).times(100).toDecimalPlaces(1).toFixed(1);
}

const figure = (current: Decimal.Value, previous: Decimal.Value, places = 2): Figure => ({
  current: new D(current).toFixed(places),
  previous: new D(previous).toFixed(places),
  changePercent: changePercent(current, previous),
});

/** Won share of closed deals; the change in points is taken from the unrounded rates. */
export function conversionFigure(won: { current: number; previous: number }, lost: { current: number; previous: number }): RateFigure {
  const rate = (w: number, l: number) => (w + l === 0 ? null : new D(w).dividedBy(w + l).times(100));
  const cur = rate(won.current, lost.current);
  const prev = rate(won.previous, lost.previous);
  return { current: cur?.toFixed(1) ?? null, previous: prev?.toFixed(1) ?? null, changePoints: cur && prev ? cur.minus(prev).toDecimalPlaces(1).toFixed(1) : null };
}

/** Who the report covers (see ReportReach); refuses a scope beyond the actor's reach. */
export async function reportReach(em: EntityManager, access: Access, scope: ReportScope): Promise<Omit<ReportReach, 'currency'>> {
  const base = { tenantId: access.tenantId, person: null, units: null, members: null };
  if (scope === 'me') {
    if (!access.userId) throw invalidInput('A system report covers a team or the organisation.', [{ field: 'scope', problem: 'me needs a person', code: 'not_a_choice' }]);
    return { ...base, person: access.userId };
  }
  if (scope === 'team') {
    if (access.role === 'rep') throw new DomainError('forbidden', 'Reps see their own report only.', { reason: 'role', allowed: ['manager', 'admin'] });
    if (access.scope === 'tenant') return base;
    return { ...base, units: (await unitsInReach(em, access)).map((u) => u.id), members: [...access.scope] };
  }
  if (access.role !== 'admin') throw new DomainError('forbidden', 'Only admins see the organisation report.', { reason: 'role', allowed: ['admin'] });
  return base;
}

/**
 * The KPIs of a period for the actor's reach, computed in SQL: revenue and deals won and lost
 * (by close date), conversion, visits done, new customers, the open pipeline by stage; breakdowns
 * by rep, unit, region and product with the previous period beside them, and what moved most; a
 * trend of the last 12 periods. A period not over at `asOf` is reported to date against the same
 * span of the one before. All money stays exact (numeric in SQL, decimal strings here).
 */
export async function buildKpiReport(
  em: EntityManager,
  actor: Actor,
  input: { period: ReportPeriod; scope: ReportScope; at: Date; timezone: string; asOf?: Date },
): Promise<KpiReport> {
  // PostgreSQL would reject an unknown zone mid-report; luxon would silently fall back to UTC.
  if (!DateTime.now().setZone(input.timezone).isValid) {
    throw invalidInput(`Unknown time zone "${input.timezone}".`, [{ field: 'timezone', problem: 'not an IANA time zone', code: 'not_a_choice' }]);
  }
  const asOf = input.asOf ?? new Date();
  const window = periodWindow(input.period, input.at, input.timezone, asOf);
  if (window.start > asOf) throw invalidInput('That period has not started yet.', [{ field: 'period', problem: 'in the future', code: 'out_of_range' }]);
  const access = await resolveAccess(em, actor);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const currency = tenant.defaultCurrency;
  const q = new KpiQueries(em, { ...(await reportReach(em, access, input.scope)), currency }, window);

  const [closed, visits, customers, pipeline, reps, units, regions, products, trend, other] = await Promise.all([
    q.closedDeals(),
    q.visits(),
    q.newCustomers(),
    window.toDate ? q.pipelineNow() : q.pipelineAt(window.end),
    q.revenueBy('rep'),
    q.revenueBy('unit'),
    q.revenueBy('region'),
    q.revenueBy('product'),
    q.trend(input.period, input.timezone),
    q.otherCurrencies(),
  ]);
  const byRep = contributors(reps);
  const byUnit = contributors(units);
  const byRegion = contributors(regions);
  const byProduct = contributors(products);
  const closedOf = (p: 'cur' | 'prev', stage: 'won' | 'lost') => closed.find((r) => r.p === p && r.stage === stage);
  const won = { cur: closedOf('cur', 'won'), prev: closedOf('prev', 'won') };
  const lost = { cur: closedOf('cur', 'lost'), prev: closedOf('prev', 'lost') };
  const count = (rows: Array<{ p: string | null; n: number }>, p: string) => rows.find((r) => r.p === p)?.n ?? 0;
  const last = window.trendStarts.length - 1;

  return {
    scope: input.scope,
    window,
    timezone: input.timezone,
    currency,
    revenueWon: figure(won.cur?.amount ?? 0, won.prev?.amount ?? 0),
    dealsWon: figure(won.cur?.n ?? 0, won.prev?.n ?? 0, 0),
    dealsLost: figure(lost.cur?.n ?? 0, lost.prev?.n ?? 0, 0),
    conversion: conversionFigure({ current: won.cur?.n ?? 0, previous: won.prev?.n ?? 0 }, { current: lost.cur?.n ?? 0, previous: lost.prev?.n ?? 0 }),
    visits: figure(count(visits, 'cur'), count(visits, 'prev'), 0),
    newCustomers: figure(count(customers, 'cur'), count(customers, 'prev'), 0),
    pipeline: {
      asOf: window.toDate ? null : window.end,
      stages: openStages.map((stage) => {
        const row = pipeline.find((r) => r.stage === stage && r.currency === currency);
        return { stage, count: row?.n ?? 0, amount: new D(row?.amount ?? 0).toFixed(2) };
      }),
      otherCurrencies: otherCurrencyTotals(pipeline.filter((r) => r.currency !== currency)),
    },
    byRep,
    byUnit,
    byRegion,
    byProduct,
    largestChanges: { rep: largestChanges(byRep), unit: largestChanges(byUnit), region: largestChanges(byRegion), product: largestChanges(byProduct) },
    trend: window.trendStarts.map((start, i) => {
      const key = DateTime.fromJSDate(start, { zone: input.timezone });
      const row = trend.find((r) => r.bucket === key.toFormat("yyyy-LL-dd'T'HH:mm"));
      return { label: labelOf(input.period, key), revenue: new D(row?.revenue ?? 0).toFixed(2), visits: row?.visits ?? 0, partial: window.toDate && i === last };
    }),
    otherCurrencies: other.map((r) => ({ currency: r.currency, revenue: new D(r.amount).toFixed(2), deals: r.n })),
    history: 'unit_at_the_time',
  };
}

function otherCurrencyTotals(rows: PipelineRow[]): Pipeline['otherCurrencies'] {
  const by = new Map<string, { count: number; amount: Decimal }>();
  for (const r of rows) {
    const t = by.get(r.currency) ?? { count: 0, amount: new D(0) };
    by.set(r.currency, { count: t.count + r.n, amount: t.amount.plus(r.amount) });
  }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({ currency, count: t.count, amount: t.amount.toFixed(2) }));
}

/** Largest current revenue first; only those with revenue in either period. */
function contributors(rows: RevenueRow[]): Contributor[] {
  return rows
    .map((r) => ({ key: r.key, label: r.label, revenue: figure(r.cur, r.prev), change: new D(r.cur).minus(r.prev).toFixed(2), dealsWon: r.n }))
    .sort((a, b) => new D(b.revenue.current).comparedTo(a.revenue.current) || a.label.localeCompare(b.label));
}

/** The rows that raised revenue most and those that lowered it most, against the previous period. */
function largestChanges(rows: Contributor[], top = 3): { up: Contributor[]; down: Contributor[] } {
  const by = (sign: 1 | -1) =>
    rows
      .filter((r) => new D(r.change).times(sign).isPositive() && !new D(r.change).isZero())
      .sort((a, b) => new D(b.change).times(sign).comparedTo(new D(a.change).times(sign)) || a.label.localeCompare(b.label))
      .slice(0, top);
  return { up: by(1), down: by(-1) };
}
