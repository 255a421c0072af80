import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReportReach } from '../reports/kpi-queries';
import type { ForecastFactor } from './forecast-factor';
import type { ForecastDimension } from './forecast-series';

/** Columns of a sold line (see forecast-series) per dimension. */
const column: Record<ForecastDimension, string> = { total: "''", region: 's.region', product: 's.sku', category: 's.category' };

/**
 * For each factor, how much of each series key its scope is, from the revenue of [from, to):
 * 1 where the factor is about that very key (or about everything), else the share of the key's
 * sold lines that fall in the factor's region, product or category.
 */
export async function factorShares(em: EntityManager, reach: ReportReach, input: { by: ForecastDimension; factors: ForecastFactor[]; from: Date; to: Date; zone: string }): Promise<Map<string, (key: string) => number>> {
  const out = new Map<string, (key: string) => number>();
  for (const f of input.factors) {
    if (f.scope === 'all' || f.scope === input.by) {
      out.set(f.id, (key) => (f.scope === 'all' || key.toLowerCase() === f.scopeValue.toLowerCase() ? 1 : 0));
      continue;
    }
    const rows = await em.execute<Array<{ key: string; share: string }>>(
      `select ${column[input.by]} as key,
              coalesce(sum(s.amount) filter (where lower(${column[f.scope]}) = lower(?)) / nullif(sum(s.amount), 0), 0)::text as share
         from (${soldLinesOfReach(reach)}) s
        where s.closed_at >= ? and s.closed_at < ?
        group by 1`,
      [f.scopeValue, ...soldLinesParams(reach), input.from, input.to],
    );
    const byKey = new Map(rows.map((r) => [r.key, Number(r.share)]));
    out.set(f.id, (key) => byKey.get(key) ?? 0);
  }
  return out;
}

function soldLinesOfReach(reach: ReportReach): string {
  const whose = reach.person ? ' and o.owner_id = ?' : reach.units ? ' and o.closed_unit_id = any(?::uuid[])' : '';
  return `select o.closed_at, coalesce(o.region, c.region, '') as region, l.sku, coalesce(l.category, '') as category, l.amount
            from opportunities o join customers c on c.id = o.customer_id
            join (select qt.opportunity_id, ql.sku, p.category, ql.total as amount
                    from quotes qt join quote_lines ql on ql.quote_id = qt.id left join products p on p.id = ql.product_id
                   where qt.status = 'accepted' and qt.tenant_id = ? and qt.currency = ?
                    and not exists (select 1 from order_lines x where x.opportunity_id = qt.opportunity_id)
                  union all
                  select ol.opportunity_id, ol.sku, ol.category, ol.amount from order_lines ol where ol.tenant_id = ? and ol.currency = ?) l on l.opportunity_id = o.id
           where o.tenant_id = ? and o.stage = 'won' and o.currency = ?${whose}`;
}

function soldLinesParams(reach: ReportReach): unknown[] {
  const t = [reach.tenantId, reach.currency];
  return [...t, ...t, ...t, ...(reach.person ? [reach.person] : reach.units ? [`{${reach.units.join(',')}}`] : [])];
}
