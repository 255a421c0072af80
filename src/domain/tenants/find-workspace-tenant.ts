import type { EntityManager } from '@mikro-orm/postgresql';
import { Tenant } from './tenant.entity';

/** The tenant a chat workspace (Slack team, Teams AAD tenant) belongs to, or null when it has none yet. */
export function findWorkspaceTenant(em: EntityManager, platform: 'slack' | 'teams', workspaceId: string): Promise<Tenant | null> {
  if (typeof workspaceId !== 'string' || !workspaceId || workspaceId.length > 64) return Promise.resolve(null);
  return em.findOne(Tenant, platform === 'slack' ? { slackTeamId: workspaceId } : { teamsTenantId: workspaceId });
}
