import { importUsers } from '../../../src/cli/import-users.command';
import { resolveTenant } from '../../../src/cli/resolve-tenant';
import { createTenant, formatTable, listTenants } from '../../../src/cli/tenant.command';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { User } from '../../../src/domain/org/user.entity';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

// This file owns its database: the tests below depend on how many tenants exist, in this order.
let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const csv = 'email,name\nsolo.user@example.com,单独用户\n';

test('--tenant may be left out only when exactly one tenant exists', async () => {
  await expect(resolveTenant(db.em(), undefined)).rejects.toThrow('no tenant exists yet; create one with: sfa tenant create <slug>');
  await expect(importUsers(db.em(), undefined, csv)).rejects.toThrow(/no tenant exists yet/);
  await expect(importUsers(db.em(), 'acme', csv)).rejects.toThrow('unknown tenant "acme"; create it with: sfa tenant create acme');

  const solo = await createTenant(db.em(), { slug: 'solo' });
  expect((await resolveTenant(db.em(), undefined)).id).toBe(solo.id);
  expect(await importUsers(db.em(), undefined, csv)).toMatchObject({ tenant: 'solo', created: 1 });
  expect(await db.em().count(User, { tenantId: solo.id })).toBe(1);

  await createTenant(db.em(), { slug: 'other' });
  await expect(importUsers(db.em(), undefined, csv)).rejects.toThrow('several tenants exist (other, solo): choose one with --tenant <slug>');
  await expect(resolveTenant(db.em(), 'nope')).rejects.toThrow('unknown tenant "nope" (tenants: other, solo); create it with: sfa tenant create nope');
  expect((await resolveTenant(db.em(), ' SOLO ')).id).toBe(solo.id);
});

test('tenant create validates every option at once, normalises them, refuses a taken slug and is audited', async () => {
  await expect(createTenant(db.em(), { slug: 'Bad Slug!', currency: 'yuan', timezone: 'China/Beijing', locale: 'fr' })).rejects.toThrow(
    /slug "Bad Slug!" must be.*\n--currency "yuan" must be.*\n--timezone "China\/Beijing" is not an IANA time zone.*\n--locale "fr" must be en or zh-CN/,
  );
  const cn = await createTenant(db.em(), { slug: 'acme-cn', name: '艾克米中国', currency: 'cny', timezone: 'asia/shanghai', locale: 'zh_CN' });
  expect(cn).toMatchObject({ slug: 'acme-cn', name: '艾克米中国', defaultCurrency: 'CNY', defaultTimezone: 'Asia/Shanghai', defaultLocale: 'zh-CN' });
  await expect(createTenant(db.em(), { slug: 'acme-cn' })).rejects.toThrow('tenant acme-cn already exists');
  const audit = await db.em().findOneOrFail(AuditEntry, { tenantId: cn.id, action: 'tenant.create' });
  expect(audit).toMatchObject({ actorLabel: 'cli', after: expect.objectContaining({ slug: 'acme-cn' }) });
});

test('tenant list shows every tenant with its counts, in a table that lines up Chinese names', async () => {
  const tenants = await listTenants(db.em());
  expect(tenants.map((t) => [t.slug, t.users])).toEqual([['acme-cn', 0], ['other', 0], ['solo', 1]]);
  const lines = formatTable([['slug', 'name'], ['acme-cn', '艾克米中国'], ['x', 'y']]);
  expect(lines).toEqual(['slug     name', 'acme-cn  艾克米中国', 'x        y']);
});
