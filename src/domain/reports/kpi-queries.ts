import type { EntityManager } from '@mikro-orm/postgresql';
import type { Stage } from '../opportunities/opportunity.entity';
import type { ReportPeriod } from '../report-subscriptions/report-subscription.entity';
import { truncField, type PeriodWindow } from './report-period';

/**
 * A breakdown of won revenue: which rows it joins to the deal (`o`), what it groups by and what
 * it sums. A deal's region is its own (imported orders carry the region they were sold in), else
 * its customer's. Products come from what the deal sold: the lines of the order it was imported
 * from, or else the lines of its accepted quotes in the deal's currency — never both, so nothing
 * is counted twice; a deal won with neither has no product and is left out of that breakdown only.
 */
export type BreakdownDimension = { joins: string; key: string; label: string; amount: string };

export const breakdownDimensions = {
  rep: { joins: 'join users u on u.id = o.owner_id', key: 'o.owner_id::text', label: 'u.name', amount: 'o.amount' },
  // The unit the deal was closed in (see the report_units migration), not the owner's unit today.
  unit: {
    joins: 'left join org_units ou on ou.id = o.closed_unit_id',
    key: "coalesce(ou.id::text, '')",
    label: "coalesce(ou.name_path, '')",
    amount: 'o.amount',
  },
  region: {
    joins: 'join customers c on c.id = o.customer_id',
    key: "coalesce(o.region, c.region, '')",
    label: "coalesce(o.region, c.region, '')",
    amount: 'o.amount',
  },
  product: {
    // Both halves give exactly the same column types: only then can PostgreSQL look up each deal's
    // lines by index (a rep's month reads a few dozen lines, not the tenant's every order line).
    joins: `join (
        select ol.tenant_id, ol.opportunity_id, ol.sku::text as sku, ol.name::text as name, ol.amount::numeric as amount, ol.currency::text as currency
          from order_lines ol
        union all
        select qt.tenant_id, qt.opportunity_id, ql.sku::text, ql.name::text, ql.total::numeric, qt.currency::text
          from quotes qt join quote_lines ql on ql.quote_id = qt.id
         where qt.status = 'accepted'
           and not exists (select 1 from order_lines x where x.tenant_id = qt.tenant_id and x.opportunity_id = qt.opportunity_id)
      ) sold on sold.tenant_id = o.tenant_id and sold.opportunity_id = o.id and sold.currency = o.currency`,
    key: 'sold.sku',
    label: 'sold.name',
    amount: 'sold.amount',
  },
} satisfies Record<string, BreakdownDimension>;

export type BreakdownName = keyof typeof breakdownDimensions;

export type ClosedRow = { p: 'cur' | 'prev'; stage: 'won' | 'lost'; n: number; amount: string };
export type CountRow = { p: 'cur' | 'prev'; n: number };
export type PipelineRow = { stage: Stage; currency: string; n: number; amount: string };
export type RevenueRow = { key: string; label: string; cur: string; prev: string; n: number };
export type TrendRow = { bucket: string; revenue: string; visits: number };
export type CurrencyRow = { currency: string; amount: string; n: number };

/**
 * Whose figures. What happened (deals closed, visits done) belongs to the unit it happened in;
 * what is (customers, open deals) to today's owners.
 */
export type ReportReach = {
  tenantId: string;
  currency: string;
  /** One person's own figures, wherever they were. */
  person: string | null;
  /** A team: the units whose history it is (null: not a team report). */
  units: string[] | null;
  /** A team: the people in it today (null: not a team report). */
  members: string[] | null;
};

const uuids = (ids: string[]) => `{${ids.join(',')}}`;

/**
 * The report's SQL, one method per aggregate, each a range over the period pair on a partial
 * index (see the report index migrations). Money is summed as numeric and comes back as text, in
 * the tenant's currency only; counts of deals are of every currency.
 */
export class KpiQueries {
  constructor(
    private readonly em: EntityManager,
    private readonly reach: ReportReach,
    private readonly w: PeriodWindow,
  ) {}

  /** Rows of what happened: the person's own, or those stamped with one of the team's units. */
  private history(personColumn: string, unitColumn: string): { sql: string; params: unknown[] } {
    const { person, units } = this.reach;
    if (person) return { sql: ` and ${personColumn} = ?`, params: [person] };
    if (units) return { sql: ` and ${unitColumn} = any(?::uuid[])`, params: [uuids(units)] };
    return { sql: '', params: [] };
  }

  /** Rows of what is: owned by the person, or by someone in the team today. */
  private current(column: string): { sql: string; params: unknown[] } {
    const { person, members } = this.reach;
    if (person) return { sql: ` and ${column} = ?`, params: [person] };
    if (members) return { sql: ` and ${column} = any(?::uuid[])`, params: [uuids(members)] };
    return { sql: '', params: [] };
  }

  /** The period and the same span of the one before: 'cur', 'prev', or neither (between a to-date span and this period). */
  private pair(column: string): { sql: string; params: unknown[] } {
    return { sql: `case when ${column} >= ? then 'cur' when ${column} < ? then 'prev' end`, params: [this.w.start, this.w.previousEnd] };
  }

  private inPair(column: string): { sql: string; params: unknown[] } {
    return { sql: `((${column} >= ? and ${column} < ?) or (${column} >= ? and ${column} < ?))`, params: [this.w.start, this.w.end, this.w.previousStart, this.w.previousEnd] };
  }

  closedDeals(): Promise<ClosedRow[]> {
    const f = this.history('owner_id', 'closed_unit_id');
    const p = this.pair('closed_at');
    const r = this.inPair('closed_at');
    return this.em.execute(
      `select ${p.sql} as p, stage, count(*)::int as n,
              coalesce(sum(amount) filter (where currency = ?), 0)::text as amount
         from opportunities
        where tenant_id = ? and stage in ('won', 'lost') and ${r.sql}${f.sql}
        group by 1, 2`,
      [...p.params, this.reach.currency, this.reach.tenantId, ...r.params, ...f.params],
    );
  }

  /** Visits done (calls, e-mails and meetings are not visits). */
  visits(): Promise<CountRow[]> {
    const f = this.history('user_id', 'unit_id');
    const p = this.pair('occurred_at');
    const r = this.inPair('occurred_at');
    return this.em.execute(
      `select ${p.sql} as p, count(*)::int as n
         from interactions
        where tenant_id = ? and status = 'done' and type = 'visit' and ${r.sql}${f.sql}
        group by 1`,
      [...p.params, this.reach.tenantId, ...r.params, ...f.params],
    );
  }

  /** Customers created in the period, counted for their owner (or, in the public pool, their creator). */
  newCustomers(): Promise<CountRow[]> {
    const f = this.current('coalesce(owner_id, created_by)');
    const p = this.pair('created_at');
    const r = this.inPair('created_at');
    return this.em.execute(
      `select ${p.sql} as p, count(*)::int as n
         from customers
        where tenant_id = ? and ${r.sql}${f.sql}
        group by 1`,
      [...p.params, this.reach.tenantId, ...r.params, ...f.params],
    );
  }

  /** Open deals by stage and currency, as they stand now. */
  pipelineNow(): Promise<PipelineRow[]> {
    const f = this.current('owner_id');
    return this.em.execute(
      `select stage, currency, count(*)::int as n, coalesce(sum(amount), 0)::text as amount
         from opportunities
        where tenant_id = ? and stage in ('initial_contact', 'solution', 'quote', 'negotiation')${f.sql}
        group by stage, currency`,
      [this.reach.tenantId, ...f.params],
    );
  }

  /**
   * Open deals by stage and currency as they stood at `at`, from the stage history: each deal
   * created before then and not closed by then, in the stage of its last move before then. Amounts
   * and owners are today's (neither has a history).
   */
  pipelineAt(at: Date): Promise<PipelineRow[]> {
    const f = this.current('o.owner_id');
    return this.em.execute(
      `select s.stage, o.currency, count(*)::int as n, coalesce(sum(o.amount), 0)::text as amount
         from opportunities o
         join lateral (
           select sc.to_stage as stage from opportunity_stage_changes sc
            where sc.opportunity_id = o.id and sc.changed_at < ?
            order by sc.changed_at desc limit 1) s on true
        where o.tenant_id = ? and o.created_at < ? and (o.closed_at is null or o.closed_at >= ?)
          and s.stage in ('initial_contact', 'solution', 'quote', 'negotiation')${f.sql}
        group by s.stage, o.currency`,
      [at, this.reach.tenantId, at, at, ...f.params],
    );
  }

  /** Won revenue in the period and the one before, per row of a breakdown; deals counted in any currency. */
  revenueBy(name: BreakdownName): Promise<RevenueRow[]> {
    const d: BreakdownDimension = breakdownDimensions[name];
    const f = this.history('o.owner_id', 'o.closed_unit_id');
    const r = this.inPair('o.closed_at');
    const currency = this.reach.currency;
    return this.em.execute(
      `select ${d.key} as key, min(${d.label}) as label,
              coalesce(sum(${d.amount}) filter (where o.closed_at >= ? and o.currency = ?), 0)::text as cur,
              coalesce(sum(${d.amount}) filter (where o.closed_at < ? and o.currency = ?), 0)::text as prev,
              (count(distinct o.id) filter (where o.closed_at >= ?))::int as n
         from opportunities o
         ${d.joins}
        where o.tenant_id = ? and o.stage = 'won' and ${r.sql}${f.sql}
        group by 1`,
      [this.w.start, currency, this.w.previousEnd, currency, this.w.start, this.reach.tenantId, ...r.params, ...f.params],
    );
  }

  /** Won revenue and visits done per period over the last 12 (the last up to the report's end), bucketed in the reader's zone. */
  trend(period: ReportPeriod, zone: string): Promise<TrendRow[]> {
    const deals = this.history('owner_id', 'closed_unit_id');
    const done = this.history('user_id', 'unit_id');
    const field = truncField(period);
    const from = this.w.trendStarts[0]!;
    // Grouped on the truncated timestamp and formatted after: to_char on every row costs a third
    // of an organisation-wide yearly trend.
    return this.em.execute(
      `with won as (
         select date_trunc('${field}', closed_at at time zone ?) as bucket, sum(amount) as revenue
           from opportunities
          where tenant_id = ? and stage = 'won' and currency = ? and closed_at >= ? and closed_at < ?${deals.sql}
          group by 1),
       done as (
         select date_trunc('${field}', occurred_at at time zone ?) as bucket, count(*)::int as visits
           from interactions
          where tenant_id = ? and status = 'done' and type = 'visit' and occurred_at >= ? and occurred_at < ?${done.sql}
          group by 1)
       select to_char(coalesce(won.bucket, done.bucket), 'YYYY-MM-DD"T"HH24:MI') as bucket,
              coalesce(won.revenue, 0)::text as revenue, coalesce(done.visits, 0) as visits
         from won full join done on done.bucket = won.bucket`,
      [zone, this.reach.tenantId, this.reach.currency, from, this.w.end, ...deals.params, zone, this.reach.tenantId, from, this.w.end, ...done.params],
    );
  }

  /** Deals won in the period in currencies other than the tenant's: shown apart, never summed in. */
  otherCurrencies(): Promise<CurrencyRow[]> {
    const f = this.history('owner_id', 'closed_unit_id');
    return this.em.execute(
      `select currency, sum(amount)::text as amount, count(*)::int as n
         from opportunities
        where tenant_id = ? and stage = 'won' and currency <> ? and closed_at >= ? and closed_at < ?${f.sql}
        group by currency order by currency`,
      [this.reach.tenantId, this.reach.currency, this.w.start, this.w.end, ...f.params],
    );
  }
}
