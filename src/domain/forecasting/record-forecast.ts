import type { EntityManager } from '@mikro-orm/postgresql';
import type { Forecast } from './build-forecast';

/**
 * Who a stored forecast is for: the company, a manager's team or one person. A forecast is kept
 * per reach because a team's is not the sum of what its people were told.
 */
export const reachKey = (scope: Forecast['scope'], userId: string | null): string => (scope === 'org' ? 'org' : `${scope}:${userId ?? 'system'}`);

/**
 * Keeps a published forecast, once per tenant, reach, series, month it was made and month it is
 * for: the first one published in a month is the one its accuracy is judged by. The seasonal-naive
 * forecast of each month (the same month a year before) is kept beside it, for MASE.
 */
export async function recordForecast(em: EntityManager, tenantId: string, reach: string, forecast: Forecast): Promise<number> {
  const rows = forecast.lines.flatMap((line) =>
    line.forecast.map((p, i) => {
      const yearBefore = line.history[line.history.length - 12 + i];
      return [tenantId, reach, forecast.by, line.key.slice(0, 200), `${forecast.asOf}-01`, `${p.month}-01`, i + 1, p.point, p.low80, p.high80, p.low95, p.high95, p.baseline, p.factor, line.model, yearBefore ? yearBefore.revenue : null];
    }),
  );
  if (rows.length === 0) return 0;
  let stored = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const result = await em.execute<Array<{ n: number }>>(
      `with added as (
         insert into forecast_snapshots (tenant_id, reach, dimension, key, made_month, month, horizon, point, low80, high80, low95, high95, baseline, factor, model, seasonal_naive)
         values ${chunk.map(() => '(?, ?, ?, ?, ?::date, ?::date, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         on conflict do nothing returning 1)
       select count(*)::int as n from added`,
      chunk.flat(),
    );
    stored += result[0]?.n ?? 0;
  }
  return stored;
}
