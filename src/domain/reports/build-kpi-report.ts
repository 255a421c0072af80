import Decimal from 'decimal.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openStages, type Stage } from '../opportunities/opportunity.entity';
import type { ReportPeriod } from '../report-subscriptions/report-subscription.entity';
import { resolveAccess, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { Tenant } from '../tenants/tenant.entity';
import { labelOf, periodWindow, truncField, type PeriodWindow } from './report-period';
import { DateTime } from 'luxon';

export type ReportScope = 'me' | 'team' | 'org';

/** A figure now and in the period before, with the change in percent (null: nothing to compare with). */
export type Figure = { current: string; previous: string; changePercent: string | null };

export type Contributor = { key: string; label: string; revenue: Figure; dealsWon: number };

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
    if (!access.userId) throw new DomainError('invalid_input', 'A system report covers a team or the organisation.', { fields: [{ field: 'scope', problem: 'me needs a person' }] });
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
  const access = await resolveAccess(em, actor);
  const owners = reportOwners(access, input.scope);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId });
  const window = periodWindow(input.period, input.at, input.timezone);
  const currency = tenant.defaultCurrency;
  const q = new Queries(em, access.tenantId, owners, window, currency);

  const [closed, visits, customers, pipeline, reps, units, regions, trend, other] = await Promise.all([
    q.closedDeals(),
    q.visits(),
    q.newCustomers(),
    q.pipeline(),
    q.revenueBy(`o.owner_id::text`, `u.name`),
    q.revenueBy(`coalesce(ou.id::text, '')`, `coalesce(ou.name_path, '')`),
    q.revenueBy(`coalesce(c.region, '')`, `coalesce(c.region, '')`),
    q.trend(input.period, input.timezone),
    q.otherCurrencies(),
  ]);
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
    byRep: contributors(reps),
    byUnit: contributors(units),
    byRegion: contributors(regions),
    trend: window.trendStarts.map((start) => {
      const key = DateTime.fromJSDate(start, { zone: input.timezone });
      const row = trend.find((r) => r.bucket === key.toFormat("yyyy-LL-dd'T'HH:mm"));
      return { label: labelOf(input.period, key), revenue: new D(row?.revenue ?? 0).toFixed(2), visits: row?.visits ?? 0 };
    }),
    otherCurrencies: other.map((r) => ({ currency: r.currency, revenue: new D(r.amount).toFixed(2) })),
  };
}

type RevenueRow = { key: string; label: string; cur: string; prev: string; n: number };

/** Largest current revenue first; only those with revenue in either period. */
function contributors(rows: RevenueRow[]): Contributor[] {
  return rows
    .map((r) => ({ key: r.key, label: r.label, revenue: figure(r.cur, r.prev), dealsWon: r.n }))
    .sort((a, b) => new D(b.revenue.current).comparedTo(a.revenue.current) || a.label.localeCompare(b.label));
}

/** The report's SQL. Owners null: the whole tenant. Every query is one indexed range scan per period pair. */
class Queries {
  constructor(
    private readonly em: EntityManager,
    private readonly tenantId: string,
    private readonly owners: string[] | null,
    private readonly w: PeriodWindow,
    private readonly currency: string,
  ) {}

  private ownerFilter(column: string): { sql: string; params: unknown[] } {
    return this.owners ? { sql: ` and ${column} = any(?::uuid[])`, params: [`{${this.owners.join(',')}}`] } : { sql: '', params: [] };
  }

  closedDeals() {
    const f = this.ownerFilter('owner_id');
    return this.em.execute<Array<{ p: 'cur' | 'prev'; stage: 'won' | 'lost'; n: number; amount: string }>>(
      `select case when closed_at >= ? then 'cur' else 'prev' end as p, stage, count(*)::int as n,
              coalesce(sum(amount) filter (where currency = ?), 0)::text as amount
         from opportunities
        where tenant_id = ? and stage in ('won', 'lost') and closed_at >= ? and closed_at < ?${f.sql}
        group by 1, 2`,
      [this.w.start, this.currency, this.tenantId, this.w.previousStart, this.w.end, ...f.params],
    );
  }

  visits() {
    const f = this.ownerFilter('user_id');
    return this.em.execute<Array<{ p: string; n: number }>>(
      `select case when occurred_at >= ? then 'cur' else 'prev' end as p, count(*)::int as n
         from interactions
        where tenant_id = ? and status = 'done' and occurred_at >= ? and occurred_at < ?${f.sql}
        group by 1`,
      [this.w.start, this.tenantId, this.w.previousStart, this.w.end, ...f.params],
    );
  }

  newCustomers() {
    const f = this.ownerFilter('coalesce(owner_id, created_by)');
    return this.em.execute<Array<{ p: string; n: number }>>(
      `select case when created_at >= ? then 'cur' else 'prev' end as p, count(*)::int as n
         from customers
        where tenant_id = ? and created_at >= ? and created_at < ?${f.sql}
        group by 1`,
      [this.w.start, this.tenantId, this.w.previousStart, this.w.end, ...f.params],
    );
  }

  pipeline() {
    const f = this.ownerFilter('owner_id');
    return this.em.execute<Array<{ stage: Stage; n: number; amount: string }>>(
      `select stage, count(*)::int as n, coalesce(sum(amount) filter (where currency = ?), 0)::text as amount
         from opportunities
        where tenant_id = ? and stage in ('initial_contact', 'solution', 'quote', 'negotiation')${f.sql}
        group by stage`,
      [this.currency, this.tenantId, ...f.params],
    );
  }

  /** Won revenue now and before, grouped by `key` (an expression over o, u, ou, c). */
  revenueBy(key: string, label: string) {
    const f = this.ownerFilter('o.owner_id');
    return this.em.execute<RevenueRow[]>(
      `select ${key} as key, min(${label}) as label,
              coalesce(sum(o.amount) filter (where o.closed_at >= ?), 0)::text as cur,
              coalesce(sum(o.amount) filter (where o.closed_at < ?), 0)::text as prev,
              (count(*) filter (where o.closed_at >= ?))::int as n
         from opportunities o
         join users u on u.id = o.owner_id
         left join org_units ou on ou.id = u.org_unit_id
         join customers c on c.id = o.customer_id
        where o.tenant_id = ? and o.stage = 'won' and o.currency = ? and o.closed_at >= ? and o.closed_at < ?${f.sql}
        group by 1`,
      [this.w.start, this.w.start, this.w.start, this.tenantId, this.currency, this.w.previousStart, this.w.end, ...f.params],
    );
  }

  trend(period: ReportPeriod, zone: string) {
    const owners = this.ownerFilter('owner_id');
    const users = this.ownerFilter('user_id');
    const field = truncField(period);
    const from = this.w.trendStarts[0]!;
    return this.em.execute<Array<{ bucket: string; revenue: string; visits: number }>>(
      `with won as (
         select to_char(date_trunc('${field}', closed_at at time zone ?), 'YYYY-MM-DD"T"HH24:MI') as bucket, sum(amount) as revenue
           from opportunities
          where tenant_id = ? and stage = 'won' and currency = ? and closed_at >= ? and closed_at < ?${owners.sql}
          group by 1),
       done as (
         select to_char(date_trunc('${field}', occurred_at at time zone ?), 'YYYY-MM-DD"T"HH24:MI') as bucket, count(*)::int as visits
           from interactions
          where tenant_id = ? and status = 'done' and occurred_at >= ? and occurred_at < ?${users.sql}
          group by 1)
       select coalesce(won.bucket, done.bucket) as bucket, coalesce(won.revenue, 0)::text as revenue, coalesce(done.visits, 0) as visits
         from won full join done on done.bucket = won.bucket`,
      [zone, this.tenantId, this.currency, from, this.w.end, ...owners.params, zone, this.tenantId, from, this.w.end, ...users.params],
    );
  }

  otherCurrencies() {
    const f = this.ownerFilter('owner_id');
    return this.em.execute<Array<{ currency: string; amount: string }>>(
      `select currency, sum(amount)::text as amount
         from opportunities
        where tenant_id = ? and stage = 'won' and currency <> ? and closed_at >= ? and closed_at < ?${f.sql}
        group by currency order by currency`,
      [this.tenantId, this.currency, this.w.start, this.w.end, ...f.params],
    );
  }
}
