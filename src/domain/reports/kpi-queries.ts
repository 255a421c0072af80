import type { EntityManager } from '@mikro-orm/postgresql';
import type { Stage } from '../opportunities/opportunity.entity';
import type { ReportPeriod } from '../report-subscriptions/report-subscription.entity';
import { truncField, type PeriodWindow } from './report-period';

/**
 * A breakdown of won revenue: which rows it joins to the deal (`o`), what it groups by and what
 * it sums. Products come from the lines of the deal's accepted quotes: a deal won without an
 * accepted quote has no product and is left out of that breakdown only.
 */
export type BreakdownDimension = { joins: string; key: string; label: string; amount: string };

export const breakdownDimensions = {
  rep: { joins: 'join users u on u.id = o.owner_id', key: 'o.owner_id::text', label: 'u.name', amount: 'o.amount' },
  unit: {
    joins: 'join users u on u.id = o.owner_id left join org_units ou on ou.id = u.org_unit_id',
    key: "coalesce(ou.id::text, '')",
    label: "coalesce(ou.name_path, '')",
    amount: 'o.amount',
  },
  region: { joins: 'join customers c on c.id = o.customer_id', key: "coalesce(c.region, '')", label: "coalesce(c.region, '')", amount: 'o.amount' },
  product: {
    joins: "join quotes qt on qt.opportunity_id = o.id and qt.status = 'accepted' and qt.currency = o.currency join quote_lines ql on ql.quote_id = qt.id",
    key: 'ql.sku',
    label: 'ql.name',
    amount: 'ql.total',
  },
} satisfies Record<string, BreakdownDimension>;

export type BreakdownName = keyof typeof breakdownDimensions;

export type ClosedRow = { p: 'cur' | 'prev'; stage: 'won' | 'lost'; n: number; amount: string };
export type CountRow = { p: 'cur' | 'prev'; n: number };
export type PipelineRow = { stage: Stage; n: number; amount: string };
export type RevenueRow = { key: string; label: string; cur: string; prev: string; n: number };
export type TrendRow = { bucket: string; revenue: string; visits: number };
export type CurrencyRow = { currency: string; amount: string };

/** Whose figures: the tenant, and the owners in reach (null: the whole tenant). */
export type ReportReach = { tenantId: string; owners: string[] | null; currency: string };

/**
 * The report's SQL, one method per aggregate, each a range over the period pair on a partial
 * index (see the report index migrations). Money is summed as numeric and comes back as text.
 * Only deals in the tenant's currency are summed; the others are listed by `otherCurrencies`.
 */
export class KpiQueries {
  constructor(
    private readonly em: EntityManager,
    private readonly reach: ReportReach,
    private readonly w: PeriodWindow,
  ) {}

  private ownerFilter(column: string): { sql: string; params: unknown[] } {
    const owners = this.reach.owners;
    return owners ? { sql: ` and ${column} = any(?::uuid[])`, params: [`{${owners.join(',')}}`] } : { sql: '', params: [] };
  }

  closedDeals(): Promise<ClosedRow[]> {
    const f = this.ownerFilter('owner_id');
    return this.em.execute(
      `select case when closed_at >= ? then 'cur' else 'prev' end as p, stage, count(*)::int as n,
              coalesce(sum(amount) filter (where currency = ?), 0)::text as amount
         from opportunities
        where tenant_id = ? and stage in ('won', 'lost') and closed_at >= ? and closed_at < ?${f.sql}
        group by 1, 2`,
      [this.w.start, this.reach.currency, this.reach.tenantId, this.w.previousStart, this.w.end, ...f.params],
    );
  }

  visits(): Promise<CountRow[]> {
    const f = this.ownerFilter('user_id');
    return this.em.execute(
      `select case when occurred_at >= ? then 'cur' else 'prev' end as p, count(*)::int as n
         from interactions
        where tenant_id = ? and status = 'done' and occurred_at >= ? and occurred_at < ?${f.sql}
        group by 1`,
      [this.w.start, this.reach.tenantId, this.w.previousStart, this.w.end, ...f.params],
    );
  }

  /** Customers created in the period, counted for their owner (or, in the public pool, their creator). */
  newCustomers(): Promise<CountRow[]> {
    const f = this.ownerFilter('coalesce(owner_id, created_by)');
    return this.em.execute(
      `select case when created_at >= ? then 'cur' else 'prev' end as p, count(*)::int as n
         from customers
        where tenant_id = ? and created_at >= ? and created_at < ?${f.sql}
        group by 1`,
      [this.w.start, this.reach.tenantId, this.w.previousStart, this.w.end, ...f.params],
    );
  }

  /** The open pipeline as it stands now (a snapshot, not a period figure). */
  pipeline(): Promise<PipelineRow[]> {
    const f = this.ownerFilter('owner_id');
    return this.em.execute(
      `select stage, count(*)::int as n, coalesce(sum(amount) filter (where currency = ?), 0)::text as amount
         from opportunities
        where tenant_id = ? and stage in ('initial_contact', 'solution', 'quote', 'negotiation')${f.sql}
        group by stage`,
      [this.reach.currency, this.reach.tenantId, ...f.params],
    );
  }

  /** Won revenue in the period and the one before, per row of a breakdown. */
  revenueBy(name: BreakdownName): Promise<RevenueRow[]> {
    const d: BreakdownDimension = breakdownDimensions[name];
    const f = this.ownerFilter('o.owner_id');
    return this.em.execute(
      `select ${d.key} as key, min(${d.label}) as label,
              coalesce(sum(${d.amount}) filter (where o.closed_at >= ?), 0)::text as cur,
              coalesce(sum(${d.amount}) filter (where o.closed_at < ?), 0)::text as prev,
              (count(distinct o.id) filter (where o.closed_at >= ?))::int as n
         from opportunities o
         ${d.joins}
        where o.tenant_id = ? and o.stage = 'won' and o.currency = ? and o.closed_at >= ? and o.closed_at < ?${f.sql}
        group by 1`,
      [this.w.start, this.w.start, this.w.start, this.reach.tenantId, this.reach.currency, this.w.previousStart, this.w.end, ...f.params],
    );
  }

  /** Won revenue and visits done per period over the last 12, bucketed in the reader's zone. */
  trend(period: ReportPeriod, zone: string): Promise<TrendRow[]> {
    const owners = this.ownerFilter('owner_id');
    const users = this.ownerFilter('user_id');
    const field = truncField(period);
    const from = this.w.trendStarts[0]!;
    // Grouped on the truncated timestamp and formatted after: to_char on every row costs a third
    // of an organisation-wide yearly trend.
    return this.em.execute(
      `with won as (
         select date_trunc('${field}', closed_at at time zone ?) as bucket, sum(amount) as revenue
           from opportunities
          where tenant_id = ? and stage = 'won' and currency = ? and closed_at >= ? and closed_at < ?${owners.sql}
          group by 1),
       done as (
         select date_trunc('${field}', occurred_at at time zone ?) as bucket, count(*)::int as visits
           from interactions
          where tenant_id = ? and status = 'done' and occurred_at >= ? and occurred_at < ?${users.sql}
          group by 1)
       select to_char(coalesce(won.bucket, done.bucket), 'YYYY-MM-DD"T"HH24:MI') as bucket,
              coalesce(won.revenue, 0)::text as revenue, coalesce(done.visits, 0) as visits
         from won full join done on done.bucket = won.bucket`,
      [zone, this.reach.tenantId, this.reach.currency, from, this.w.end, ...owners.params, zone, this.reach.tenantId, from, this.w.end, ...users.params],
    );
  }

  /** Revenue won in the period in currencies other than the tenant's: shown apart, never summed in. */
  otherCurrencies(): Promise<CurrencyRow[]> {
    const f = this.ownerFilter('owner_id');
    return this.em.execute(
      `select currency, sum(amount)::text as amount
         from opportunities
        where tenant_id = ? and stage = 'won' and currency <> ? and closed_at >= ? and closed_at < ?${f.sql}
        group by currency order by currency`,
      [this.reach.tenantId, this.reach.currency, this.w.start, this.w.end, ...f.params],
    );
  }
}
