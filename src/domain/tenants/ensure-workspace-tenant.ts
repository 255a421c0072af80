import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../shared/ids';
import { Tenant } from './tenant.entity';

export type Workspace = { platform: 'slack' | 'teams'; workspaceId: string; name: string; slugHint?: string };

const slugify = (text: string) =>
  text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'workspace';

/**
 * The tenant a chat workspace belongs to, created on first contact (install or single-workspace
 * start). Safe to call concurrently: the unique workspace id decides, the loser re-reads.
 */
export async function ensureWorkspaceTenant(em: EntityManager, workspace: Workspace): Promise<Tenant> {
  const where = workspace.platform === 'slack' ? { slackTeamId: workspace.workspaceId } : { teamsTenantId: workspace.workspaceId };
  const existing = await em.findOne(Tenant, where);
  if (existing) return existing;
  const base = slugify(workspace.slugHint ?? workspace.name);
  const taken = new Set((await em.find(Tenant, { slug: { $like: `${base}%` } })).map((t) => t.slug));
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  try {
    // insert() skips onCreate hooks, so id and creation time are set here.
    await em.insert(Tenant, { id: newId(), createdAt: new Date(), slug, name: workspace.name.slice(0, 200) || slug, ...where } as Tenant);
  } catch (err) {
    // Another request created it between our read and write.
    if (!(err instanceof Error && /unique|duplicate/i.test(err.message))) throw err;
  }
  return em.findOneOrFail(Tenant, where);
}
