import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { Tenant } from '../tenants/tenant.entity';
import { effectiveScoring, type ScoringSettings } from './scoring';

/**
 * The tenant's scoring settings in force (the defaults where nothing is set) and which parts an
 * admin set. Anyone in the tenant may read them: every deal card explains its score with them.
 */
export async function getScoringSettings(em: EntityManager, actor: Actor): Promise<{ settings: ScoringSettings; custom: Record<'weights' | 'curve' | 'bands', boolean> }> {
  const access = await resolveAccess(em, actor);
  const tenant = await em.findOneOrFail(Tenant, { id: access.tenantId }, { refresh: true });
  const stored = tenant.scoringSettings ?? {};
  return { settings: effectiveScoring(stored), custom: { weights: !!stored.weights, curve: !!stored.curve, bands: !!stored.bands } };
}
