import type { EntityManager } from '@mikro-orm/postgresql';
import { Tenant } from '../domain/tenants/tenant.entity';
import { CliError } from './errors';

/**
 * The tenant a command works on: the one named by --tenant, or the only one there is. A typo or
 * an ambiguous choice stops the command with the slugs to pick from.
 */
export async function resolveTenant(em: EntityManager, slug: string | undefined): Promise<Tenant> {
  if (slug !== undefined) {
    const tenant = await em.findOne(Tenant, { slug: slug.trim().toLowerCase() });
    if (tenant) return tenant;
    const slugs = await tenantSlugs(em);
    throw new CliError(
      `unknown tenant "${slug}"${slugs.length > 0 ? ` (tenants: ${slugs.join(', ')})` : ''}; create it with: sfa tenant create ${slug}`,
    );
  }
  const tenants = await em.find(Tenant, {}, { orderBy: { slug: 'asc' }, limit: 2 });
  if (tenants.length === 1) return tenants[0]!;
  if (tenants.length === 0) throw new CliError('no tenant exists yet; create one with: sfa tenant create <slug>');
  throw new CliError(`several tenants exist (${(await tenantSlugs(em)).join(', ')}): choose one with --tenant <slug>`);
}

async function tenantSlugs(em: EntityManager): Promise<string[]> {
  return (await em.find(Tenant, {}, { orderBy: { slug: 'asc' }, fields: ['slug'] })).map((t) => t.slug);
}
