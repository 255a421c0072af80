import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { TierRule } from './tier-rule.entity';

/**
 * Whether a customer form should offer this person a tier: always without tier rules (tiers are
 * set by hand); with rules only managers and admins (a typed tier is an override then, see
 * applyTierInput, which refuses a rep's all the same).
 */
export async function mayPickTierOnForm(em: EntityManager, actor: Actor): Promise<boolean> {
  const access = await resolveAccess(em, actor);
  if (access.role === 'admin' || access.role === 'manager') return true;
  return (await em.count(TierRule, { tenantId: access.tenantId })) === 0;
}
