import { importCustomers } from '../../../src/cli/import-customers.command';
import { importUsers } from '../../../src/cli/import-users.command';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { listPoolCustomers } from '../../../src/domain/customers/list-pool-customers';
import { searchCustomers } from '../../../src/domain/customers/search-customers';
import { User } from '../../../src/domain/org/user.entity';
import { userActor } from '../../../src/domain/shared/actor';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { makeCustomer, makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { badLines, fixture, reasonsFor } from './cli-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

/** A tenant with the people from users-good.csv, whose emails the customer files use. */
async function tenantWithUsers(slug: string): Promise<{ tenant: Tenant; user: (email: string) => Promise<User> }> {
  const tenant = await makeTenant(db.em(), slug);
  await importUsers(db.em(), slug, fixture('users-good.csv'));
  return { tenant, user: (email) => db.em().findOneOrFail(User, { tenantId: tenant.id, email }) };
}
const customersOf = async (tenantId: string) => new Map((await db.em().find(Customer, { tenantId })).map((c) => [c.name, c]));

test('imports owned and pool customers with Chinese names, tiers, tags and multi-line addresses', async () => {
  const { tenant, user } = await tenantWithUsers('cust');
  const wang = await user('wang.wei@example.com');
  const kevin = await user('kevin.wu@example.com');
  const result = await importCustomers(db.em(), 'cust', fixture('customers.csv'));
  expect(result).toMatchObject({ imported: true, rows: 4, created: 4, updated: 0, unchanged: 0, skipped: 0, errors: [] });

  const customers = await customersOf(tenant.id);
  expect(customers.get('上海华鑫精密机械有限公司')).toMatchObject({
    ownerId: wang.id, region: 'East', industry: 'Manufacturing', companySize: '201-1000', tier: 'A',
    phone: '021-55501234', email: 'info@huaxin.com.cn', address: '上海市浦东新区\n科技路88号', tags: ['VIP', '重点跟进'], createdBy: null,
  });
  expect(customers.get('Blue River Logistics Ltd')).toMatchObject({ ownerId: kevin.id, tier: 'B', tags: ['Tender', 'Long cycle'], address: '12 Harbour Road, Guangzhou' });
  expect(customers.get('北京恒通电子科技有限公司')).toMatchObject({ ownerId: null, tier: null, email: null, tags: [] });
  expect(customers.get('Pacific Foods Co.')).toMatchObject({ ownerId: null, tier: 'C', companySize: null });

  // What a rep then sees in chat: their customer by a partial Chinese name, the pool.
  const found = await searchCustomers(db.em(), userActor(tenant.id, wang.id, 'rep'), '华鑫');
  expect(found.map((c) => c.name)).toEqual(['上海华鑫精密机械有限公司']);
  const pool = await listPoolCustomers(db.em(), userActor(tenant.id, wang.id, 'rep'));
  expect(JSON.stringify(pool)).toContain('北京恒通电子科技有限公司');

  const audit = await db.em().find(AuditEntry, { tenantId: tenant.id, action: 'customer.create' });
  expect(audit).toHaveLength(4);
  expect(audit.every((a) => a.actorLabel === 'cli' && a.actorUserId === null)).toBe(true);
});

test('re-import matches by name: the same file changes nothing, changed cells update, empty cells keep values', async () => {
  const { tenant, user } = await tenantWithUsers('recust');
  await importCustomers(db.em(), 'recust', fixture('customers.csv'));
  expect(await importCustomers(db.em(), 'recust', fixture('customers.csv'))).toMatchObject({ created: 0, updated: 0, unchanged: 4 });

  // Name matched after folding width, case and spaces; only the region column is given.
  const moved = await importCustomers(db.em(), 'recust', 'name,region\n上海华鑫精密机械有限公司,North\n  blue river   LOGISTICS ltd ,South\n');
  expect(moved).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
  // A pool customer handed to an owner; an empty owner cell does not send an owned one back to the pool.
  const kevin = await user('kevin.wu@example.com');
  const owners = await importCustomers(db.em(), 'recust', 'name,owner_email,tier\n北京恒通电子科技有限公司,KEVIN.WU@example.com,b\nBlue River Logistics Ltd,,\n');
  expect(owners).toMatchObject({ created: 0, updated: 1, unchanged: 1 });

  expect(await db.em().count(Customer, { tenantId: tenant.id })).toBe(4);
  const customers = await customersOf(tenant.id);
  expect(customers.get('上海华鑫精密机械有限公司')).toMatchObject({ region: 'North', tier: 'A', tags: ['VIP', '重点跟进'], ownerId: (await user('wang.wei@example.com')).id });
  expect(customers.get('北京恒通电子科技有限公司')).toMatchObject({ ownerId: kevin.id, tier: 'B' });
  expect(customers.get('Blue River Logistics Ltd')).toMatchObject({ ownerId: kevin.id, tier: 'B' });
  const updates = await db.em().find(AuditEntry, { tenantId: tenant.id, action: 'customer.update' }, { orderBy: { id: 'asc' } });
  expect(updates).toHaveLength(2);
  expect(updates[0]!.before).toMatchObject({ region: 'East' });
  expect(updates[0]!.after).toMatchObject({ region: 'North' });
  expect(updates[1]!.before).toMatchObject({ ownerId: null });
  expect(updates[1]!.after).toMatchObject({ ownerId: kevin.id });
});

test('bad rows (unknown owner, bad tier or email, no name, the same name twice) import nothing unless skipped', async () => {
  const { tenant } = await tenantWithUsers('badcust');
  const refused = await importCustomers(db.em(), 'badcust', fixture('customers-bad.csv'));
  expect(refused.imported).toBe(false);
  expect(badLines(refused.errors)).toEqual([3, 4, 5, 6, 7, 8]);
  expect(reasonsFor(refused.errors, 3)).toBe('owner_email nobody@example.com is not a user of tenant badcust (import users first)');
  expect(reasonsFor(refused.errors, 4)).toMatch(/tier must be A, B or C/);
  expect(reasonsFor(refused.errors, 5)).toMatch(/email is not an email address/);
  expect(reasonsFor(refused.errors, 6)).toMatch(/name is required/);
  expect(reasonsFor(refused.errors, 7)).toMatch(/the same customer name appears more than once \(lines 7, 8\)/);
  expect(await db.em().count(Customer, { tenantId: tenant.id })).toBe(0);

  const skipped = await importCustomers(db.em(), 'badcust', fixture('customers-bad.csv'), { skipInvalid: true });
  expect(skipped).toMatchObject({ imported: true, created: 1, skipped: 6 });
  expect([...(await customersOf(tenant.id)).keys()]).toEqual(['Good Company Ltd']);
});

test('a name shared by two stored customers cannot be updated by import', async () => {
  const em = db.em();
  const tenant = await makeTenant(em, 'twins');
  await makeCustomer(em, tenant, null, 'Twin Corp');
  await makeCustomer(em, tenant, null, 'twin corp');
  const result = await importCustomers(db.em(), 'twins', 'name,region\nTwin Corp,East\n');
  expect(result.imported).toBe(false);
  expect(reasonsFor(result.errors, 2)).toMatch(/2 customers named "Twin Corp" already exist/);
});
