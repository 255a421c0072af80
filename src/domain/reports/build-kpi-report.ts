import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openStages, type Stage } from '../opportunities/opportunity.entity';
import type { ReportPeriod } from '../report-subscriptions/report-subscription.entity';
import { resolveAccess, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError, invalidInput } from '../shared/domain-error';
import { Tenant } from '../tenants/tenant.entity';
import { KpiQueries, type BreakdownName, type RevenueRow } from './kpi-queries';
import { labelOf, periodWindow, type PeriodWindow } from './report-period';

export type ReportScope = 'me' | 'team' | 'org';

/** A figure now and in the period before, with the change in percent (null: nothing to compare with). */
export type Figure = { current: string; previous: string; changePercent: string | null };

/** One row of a breakdown; `change` is current − previous revenue (signed, exact). */
export type Contributor = { key: string; label: string; revenue: Figure; change: string; dealsWon: number };

export type KpiReport = {
  scope: ReportScope;
  window: PeriodWindow;
  timezone: string;
  /** Money figures are in this currency; deals in others are counted in `otherCurrencies`. */
  currency: string;
  revenueWon: Figure;
  dealsWon: Figure;
  dealsLost: Figure;
  /** Won ÷ (won + lost) of the deals closed in the period, in percent. */
  conversionRate: Figure;
  visits: Figure;
  newCustomers: Figure;
  pipeline: Array<{ stage: Stage; count: number; amount: string }>;
  byRep: Contributor[];
  byUnit: Contributor[];
  byRegion: Contributor[];
  /** Won revenue by product, from the lines of the won deals' accepted quotes. */
  byProduct: Contributor[];
  /** Per breakdown, the (at most 5) rows that moved revenue most against the previous period, either way. */
  largestChanges: Record<BreakdownName, Contributor[]>;
  trend: Array<{ label: string; revenue: string; visits: number }>;
  otherCurrencies: Array<{ currency: string; revenue: string }>;
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

/** The user ids the report covers, or null for the whole tenant; refuses a scope beyond the actor's reach. */
export function reportOwners(access: Access, scope: ReportScope): string[] | null {
  if (scope === 'me') {
    if (!access.userId) throw invalidInput('A system report covers a team or the organisation.', [{ field: 'scope', problem: 'me needs a person', code: 'not_a_choice' }]);
    return [access.userId];
  }
  if (scope === 'team') {
    if (access.role === 'rep') throw new DomainError('forbidden', 'Reps see their own report only.', { reason: 'role', allowed: ['manager', 'admin'] });
    return access.scope === 'tenant' ? null : [...access.scope];
  }
  if (access.role !== 'admin') throw new DomainError('forbidden', 'Only admins see the organisation report.', { reason: 'role', allowed: ['admin'] });
  return null;
}

/**
 * The KPIs of a period for the actor's reach, computed in SQL: revenue and deals won and lost
 * (by close date), conversion, visits done, new customers, the open pipeline by stage, breakdowns
 * by rep, unit and region with the previous period beside them (largest first), and a trend of
 * the last 12 periods. All money stays exact (numeric in SQL, decimal strings here).
 */
export async function buildKpiReport(
  em: EntityManager,
  actor: Actor,
  input: { period: ReportPeriod; scope: ReportScope; at: Date; timezone: string },
): Promise<KpiReport> {
  // PostgreSQL would reject an unknown zone mid-report; luxon would silently fall back to UTC.
  if (!DateTime.now().setZone(input.timezone).isValid) {
    throw invalidInput(`Unknown time zone "${input.timezone}".`, [{ field: 'timezone', problem: 'not an IANA time zone', code: 'not_a_choice' }]);
  }
  const access = await resolveAccess(em, actor);
  const owners = reportOwners(access, input.scope);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const window = periodWindow(input.period, input.at, input.timezone);
  const currency = tenant.defaultCurrency;
  const q = new KpiQueries(em, { tenantId: access.tenantId, owners, currency }, window);

  const [closed, visits, customers, pipeline, reps, units, regions, products, trend, other] = await Promise.all([
    q.closedDeals(),
    q.visits(),
    q.newCustomers(),
    q.pipeline(),
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
  const rate = (w = 0, l = 0) => (w + l === 0 ? new D(0) : new D(w).dividedBy(w + l).times(100));
  const count = (rows: Array<{ p: string; n: number }>, p: string) => rows.find((r) => r.p === p)?.n ?? 0;

  return {
    scope: input.scope,
    window,
    timezone: input.timezone,
    currency,
    revenueWon: figure(won.cur?.amount ?? 0, won.prev?.amount ?? 0),
    dealsWon: figure(won.cur?.n ?? 0, won.prev?.n ?? 0, 0),
    dealsLost: figure(lost.cur?.n ?? 0, lost.prev?.n ?? 0, 0),
    conversionRate: figure(rate(won.cur?.n, lost.cur?.n), rate(won.prev?.n, lost.prev?.n), 1),
    visits: figure(count(visits, 'cur'), count(visits, 'prev'), 0),
    newCustomers: figure(count(customers, 'cur'), count(customers, 'prev'), 0),
    pipeline: openStages.map((stage) => {
      const row = pipeline.find((r) => r.stage === stage);
      return { stage, count: row?.n ?? 0, amount: new D(row?.amount ?? 0).toFixed(2) };
    }),
    byRep,
    byUnit,
    byRegion,
    byProduct,
    largestChanges: { rep: largestChanges(byRep), unit: largestChanges(byUnit), region: largestChanges(byRegion), product: largestChanges(byProduct) },
    trend: window.trendStarts.map((start) => {
      const key = DateTime.fromJSDate(start, { zone: input.timezone });
      const row = trend.find((r) => r.bucket === key.toFormat("yyyy-LL-dd'T'HH:mm"));
      return { label: labelOf(input.period, key), revenue: new D(row?.revenue ?? 0).toFixed(2), visits: row?.visits ?? 0 };
    }),
    otherCurrencies: other.map((r) => ({ currency: r.currency, revenue: new D(r.amount).toFixed(2) })),
  };
}

/** Largest current revenue first; only those with revenue in either period. */
function contributors(rows: RevenueRow[]): Contributor[] {
  return rows
    .map((r) => ({ key: r.key, label: r.label, revenue: figure(r.cur, r.prev), change: new D(r.cur).minus(r.prev).toFixed(2), dealsWon: r.n }))
    .sort((a, b) => new D(b.revenue.current).comparedTo(a.revenue.current) || a.label.localeCompare(b.label));
}

function largestChanges(rows: Contributor[], top = 5): Contributor[] {
  return rows
    .filter((r) => !new D(r.change).isZero())
    .sort((a, b) => new D(b.change).abs().comparedTo(new D(a.change).abs()) || a.label.localeCompare(b.label))
    .slice(0, top);
}
