import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { factorColumns, toFactor, type FactorRow, type ForecastFactor } from './forecast-factor';

/** Admins remove a market factor; the forecasts published with it keep what they said. */
export async function removeForecastFactor(em: EntityManager, actor: Actor, factorId: string): Promise<ForecastFactor> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'remove market factors');
    const [row] = isUuid(factorId) ? await tx.execute<FactorRow[]>(`delete from forecast_factors where tenant_id = ? and id = ? returning ${factorColumns}`, [access.tenantId, factorId]) : [];
    if (!row) throw new DomainError('not_found', 'No such market factor.', { reason: 'forecast_factor' });
    const factor = toFactor(row);
    recordAudit(tx, access, 'forecast.factor.remove', { type: 'forecast_factor', id: factor.id }, factor, null);
    return factor;
  });
}
