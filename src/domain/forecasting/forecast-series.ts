import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReportReach } from '../reports/kpi-queries';

export const forecastDimensions = ['total', 'region', 'product', 'category'] as const;
export type ForecastDimension = (typeof forecastDimensions)[number];
export type SeriesPeriod = 'month' | 'week';

/** Revenue (tenant currency, exact) and quantity of one key in one period ('YYYY-MM' or the week's Monday 'YYYY-MM-DD'). */
export type SeriesRow = { key: string; label: string; period: string; revenue: string; quantity: string };

/**
 * What was sold: every line of a won deal in the reach and the tenant's currency — the lines of
 * the order it was imported from, or else of its accepted quotes (never both, as in reports) —
 * with the deal's region (its own, else the customer's). A subquery, with its parameters.
 */
export function soldLinesOf(reach: ReportReach): { sql: string; params: unknown[] } {
  const f = whose(reach, 'o.owner_id', 'o.closed_unit_id');
  const t = [reach.tenantId, reach.currency];
  return {
    sql: `
  select o.id as deal_id, o.closed_at, o.owner_id, o.closed_unit_id, coalesce(o.region, c.region, '') as region,
         l.sku, l.name, coalesce(l.category, '') as category, l.quantity, l.amount
    from opportunities o
    join customers c on c.id = o.customer_id
    join (
      select qt.opportunity_id, ql.sku, ql.name, p.category, ql.quantity::numeric as quantity, ql.total as amount
        from quotes qt join quote_lines ql on ql.quote_id = qt.id left join products p on p.id = ql.product_id
       where qt.status = 'accepted' and qt.tenant_id = ? and qt.currency = ?
         and not exists (select 1 from order_lines x where x.opportunity_id = qt.opportunity_id)
      union all
      select ol.opportunity_id, ol.sku, ol.name, ol.category, ol.quantity, ol.amount
        from order_lines ol where ol.tenant_id = ? and ol.currency = ?) l on l.opportunity_id = o.id
   where o.tenant_id = ? and o.stage = 'won' and o.currency = ?${f.sql}`,
    params: [...t, ...t, ...t, ...f.params],
  };
}

const keyOf = {
  region: { key: "coalesce(o.region, c.region, '')", label: "coalesce(o.region, c.region, '')" },
  product: { key: 's.sku', label: 's.name' },
  category: { key: 's.category', label: 's.category' },
};

/** The person's own rows, the team's units' rows, or all (see ReportReach). */
function whose(reach: ReportReach, owner: string, unit: string): { sql: string; params: unknown[] } {
  if (reach.person) return { sql: ` and ${owner} = ?`, params: [reach.person] };
  if (reach.units) return { sql: ` and ${unit} = any(?::uuid[])`, params: [`{${reach.units.join(',')}}`] };
  return { sql: '', params: [] };
}

/**
 * Revenue and quantity per key and period in [from, to), bucketed in `zone`: the total of won
 * deals, or by region (deal amounts), product or category (sold lines). Money in the tenant's
 * currency only, exact.
 */
export async function periodSeries(em: EntityManager, reach: ReportReach, input: { dimension: ForecastDimension; period: SeriesPeriod; from: Date; to: Date; zone: string }): Promise<SeriesRow[]> {
  const { tenantId, currency } = reach;
  const sold = soldLinesOf(reach);
  const bucket = (column: string) => `to_char(date_trunc('${input.period}', ${column} at time zone ?), '${input.period === 'month' ? 'YYYY-MM' : 'YYYY-MM-DD'}')`;
  if (input.dimension === 'total' || input.dimension === 'region') {
    const f = whose(reach, 'o.owner_id', 'o.closed_unit_id');
    const key = input.dimension === 'total' ? { key: "''", label: "''" } : keyOf.region;
    return em.execute(
      `select ${key.key} as key, min(${key.label}) as label, ${bucket('o.closed_at')} as period,
              sum(o.amount)::text as revenue, coalesce(sum(q.quantity), 0)::text as quantity
         from opportunities o join customers c on c.id = o.customer_id
         left join (select deal_id, sum(quantity) as quantity from (${sold.sql}) s group by 1) q on q.deal_id = o.id
        where o.tenant_id = ? and o.stage = 'won' and o.currency = ? and o.closed_at >= ? and o.closed_at < ?${f.sql}
        group by 1, 3 order by 3, 1`,
      [input.zone, ...sold.params, tenantId, currency, input.from, input.to, ...f.params],
    );
  }
  const key = keyOf[input.dimension];
  return em.execute(
    `select ${key.key} as key, min(${key.label}) as label, ${bucket('s.closed_at')} as period,
            sum(s.amount)::text as revenue, sum(s.quantity)::text as quantity
       from (${sold.sql}) s
      where s.closed_at >= ? and s.closed_at < ?
      group by 1, 3 order by 3, 1`,
    [input.zone, ...sold.params, input.from, input.to],
  );
}
