import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../domain/audit/record-audit';
import { Customer } from '../domain/customers/customer.entity';
import { User } from '../domain/org/user.entity';
import { resolveAccess } from '../domain/shared/access';
import { systemActor } from '../domain/shared/actor';
import { newId } from '../domain/shared/ids';
import { Tenant } from '../domain/tenants/tenant.entity';
import type { CommandContext } from './context';
import { CliError } from './errors';
import { isValidSlug, normaliseCurrency, normaliseLocale, normaliseTimezone } from './fields';

export type NewTenant = { slug: string; name?: string; currency?: string; timezone?: string; locale?: string };

/** Creates a tenant for an admin at the terminal; every bad option is reported at once. */
export async function createTenant(em: EntityManager, input: NewTenant): Promise<Tenant> {
  const slug = input.slug.trim().toLowerCase();
  const problems: string[] = [];
  if (!isValidSlug(slug)) problems.push(`slug "${input.slug}" must be lower-case letters, digits and dashes (at most 63), e.g. acme or acme-cn`);
  const name = (input.name ?? slug).trim();
  if (!name || name.length > 200) problems.push('--name must be 1 to 200 characters');
  const currency = input.currency === undefined ? 'USD' : normaliseCurrency(input.currency);
  if (!currency) problems.push(`--currency "${input.currency}" must be a 3-letter code such as CNY or USD`);
  const timezone = input.timezone === undefined ? 'UTC' : normaliseTimezone(input.timezone);
  if (!timezone) problems.push(`--timezone "${input.timezone}" is not an IANA time zone such as Asia/Shanghai`);
  const locale = input.locale === undefined ? 'en' : normaliseLocale(input.locale);
  if (!locale) problems.push(`--locale "${input.locale}" must be en or zh-CN`);
  if (problems.length > 0) throw new CliError(problems.join('\n'));

  return em.transactional(async (tx) => {
    if (await tx.findOne(Tenant, { slug })) throw new CliError(`tenant ${slug} already exists`);
    const tenant = tx.create(Tenant, { id: newId(), slug, name, defaultCurrency: currency!, defaultTimezone: timezone!, defaultLocale: locale! } as Tenant);
    await tx.flush();
    recordAudit(tx, await resolveAccess(tx, systemActor(tenant.id, 'cli')), 'tenant.create', { type: 'tenant', id: tenant.id }, null, snapshot(tenant));
    return tenant;
  });
}

export type TenantSummary = { slug: string; name: string; currency: string; timezone: string; locale: string; users: number; customers: number };

export async function listTenants(em: EntityManager): Promise<TenantSummary[]> {
  const tenants = await em.find(Tenant, {}, { orderBy: { slug: 'asc' } });
  const summaries: TenantSummary[] = [];
  for (const t of tenants) {
    summaries.push({
      slug: t.slug,
      name: t.name,
      currency: t.defaultCurrency,
      timezone: t.defaultTimezone,
      locale: t.defaultLocale,
      users: await em.count(User, { tenantId: t.id }),
      customers: await em.count(Customer, { tenantId: t.id }),
    });
  }
  return summaries;
}

/** Columns padded to the widest cell; Chinese characters take two columns in a terminal. */
export function formatTable(rows: string[][]): string[] {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell)))).join('  ').trimEnd());
}

export async function tenantCreateCommand(ctx: CommandContext, args: NewTenant): Promise<number> {
  const t = await createTenant(ctx.orm.em.fork(), args);
  ctx.out(`tenant ${t.slug} created (${t.name}; ${t.defaultCurrency}, ${t.defaultTimezone}, ${t.defaultLocale})`);
  return 0;
}

export async function tenantListCommand(ctx: CommandContext): Promise<number> {
  const tenants = await listTenants(ctx.orm.em.fork());
  if (tenants.length === 0) {
    ctx.out('no tenants yet; create one with: sfa tenant create <slug>');
    return 0;
  }
  const header = ['slug', 'name', 'currency', 'timezone', 'locale', 'users', 'customers'];
  formatTable([header, ...tenants.map((t) => [t.slug, t.name, t.currency, t.timezone, t.locale, String(t.users), String(t.customers)])]).forEach((l) => ctx.out(l));
  return 0;
}
