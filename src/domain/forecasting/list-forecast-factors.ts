import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { factorColumns, toFactor, type FactorRow, type ForecastFactor } from './forecast-factor';

/** The tenant's market factors, by first month: everyone may see the assumptions behind the forecast. */
export async function listForecastFactors(em: EntityManager, actor: Actor): Promise<ForecastFactor[]> {
  const access = await resolveAccess(em, actor);
  const rows = await em.execute<FactorRow[]>(`select ${factorColumns} from forecast_factors where tenant_id = ? order by from_month, created_at, id`, [access.tenantId]);
  return rows.map(toFactor);
}
