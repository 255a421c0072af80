import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReportReach } from '../reports/kpi-queries';
import type { ForecastFactor } from './forecast-factor';
import { soldLinesOf, type ForecastDimension } from './forecast-series';

/** Columns of a sold line (see soldLinesOf) per dimension. */
const column: Record<ForecastDimension, string> = { total: "''", region: 's.region', product: 's.sku', category: 's.category' };

/**
 * For each factor, how much of each series key its scope is, from the revenue of [from, to):
 * 1 where the factor is about that very key (or about everything), else the share of the key's
 * sold lines that fall in the factor's region, product or category.
 */
export async function factorShares(em: EntityManager, reach: ReportReach, input: { by: ForecastDimension; factors: ForecastFactor[]; from: Date; to: Date; zone: string }): Promise<Map<string, (key: string) => number>> {
  const out = new Map<string, (key: string) => number>();
  const sold = soldLinesOf(reach);
  for (const f of input.factors) {
    if (f.scope === 'all' || f.scope === input.by) {
      out.set(f.id, (key) => (f.scope === 'all' || key.toLowerCase() === f.scopeValue.toLowerCase() ? 1 : 0));
      continue;
    }
    const rows = await em.execute<Array<{ key: string; share: string }>>(
      `select ${column[input.by]} as key,
              coalesce(sum(s.amount) filter (where lower(${column[f.scope]}) = lower(?)) / nullif(sum(s.amount), 0), 0)::text as share
         from (${sold.sql}) s
        where s.closed_at >= ? and s.closed_at < ?
        group by 1`,
      [f.scopeValue, ...sold.params, input.from, input.to],
    );
    const byKey = new Map(rows.map((r) => [r.key, Number(r.share)]));
    out.set(f.id, (key) => byKey.get(key) ?? 0);
  }
  return out;
}
