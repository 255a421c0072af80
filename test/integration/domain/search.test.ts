import { resolveCustomer } from '../../../src/bots/customers/resolve-customer';
import { findCustomersByName } from '../../../src/domain/customers/find-customers-by-name';
import { searchCustomers } from '../../../src/domain/customers/search-customers';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeCustomer, makeOrgWorld } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const names = async (...args: Parameters<typeof searchCustomers>) => (await searchCustomers(...args)).map((c) => c.name);

test('partial Chinese names: exact first, then prefixes, then the rest, shortest first; only in reach', async () => {
  const w = await makeOrgWorld(db);
  const { em, tenant } = w;
  await makeCustomer(em, tenant, w.repA.user, '上海华为技术有限公司');
  await makeCustomer(em, tenant, w.repA.user, '华为');
  await makeCustomer(em, tenant, null, '北京华为');
  await makeCustomer(em, tenant, w.repB.user, '华为深圳');
  await makeCustomer(em, tenant, w.repSub.user, '华为上海分公司');
  await makeCustomer(em, tenant, w.repW.user, '华为西部');
  await makeCustomer(em, w.otherTenant, w.foreignRep.user, '华为');
  await makeCustomer(em, w.otherTenant, null, '华为公海');

  expect(await names(db.em(), w.repA.actor, '华为')).toEqual(['华为', '北京华为', '上海华为技术有限公司']);
  expect(await names(db.em(), w.repA.actor, '技术')).toEqual(['上海华为技术有限公司']);
  expect(await names(db.em(), w.repA.actor, ' 华为技术有限 ')).toEqual(['上海华为技术有限公司']);
  expect(await names(db.em(), w.repA.actor, '深圳')).toEqual([]);
  expect(await names(db.em(), w.manager.actor, '华为')).toEqual(['华为', '华为深圳', '华为上海分公司', '北京华为', '上海华为技术有限公司']);
  expect(await names(db.em(), w.admin.actor, '华为')).toEqual(['华为', '华为深圳', '华为西部', '华为上海分公司', '北京华为', '上海华为技术有限公司']);
  expect(await names(db.em(), w.foreignRep.actor, '华为')).toEqual(['华为', '华为公海']);
  expect(await names(db.em(), w.admin.actor, '华为', 2)).toEqual(['华为', '华为深圳']);
  expect(await names(db.em(), w.admin.actor, '华为', -1)).toEqual(['华为']);
});

test('% and _ in a query are literal characters, not wildcards', async () => {
  const w = await makeOrgWorld(db);
  const { em, tenant } = w;
  for (const name of ['100% Natural', '100 Natural', '1000 Natural', 'A_B Trading', 'AXB Trading', 'AB Trading', 'C\\D Works', 'CD Works']) {
    await makeCustomer(em, tenant, w.repA.user, name);
  }
  expect(await names(db.em(), w.repA.actor, '100%')).toEqual(['100% Natural']);
  expect(await names(db.em(), w.repA.actor, '%')).toEqual(['100% Natural']);
  expect(await names(db.em(), w.repA.actor, 'a_b')).toEqual(['A_B Trading']);
  expect(await names(db.em(), w.repA.actor, '_')).toEqual(['A_B Trading']);
  expect(await names(db.em(), w.repA.actor, 'c\\d')).toEqual(['C\\D Works']);
  expect(await names(db.em(), w.repA.actor, '\\')).toEqual(['C\\D Works']);
  expect(await names(db.em(), w.repA.actor, "' or 1=1 --")).toEqual([]);
});

test('pool customers are found by everyone; other units’ customers by nobody below their manager', async () => {
  const w = await makeOrgWorld(db);
  const { em, tenant } = w;
  await makeCustomer(em, tenant, null, 'Initech Pool');
  await makeCustomer(em, tenant, w.repW.user, 'Initech West');
  await makeCustomer(em, tenant, w.repB.user, 'Initech East');
  expect(await names(db.em(), w.repA.actor, 'initech')).toEqual(['Initech Pool']);
  expect(await names(db.em(), w.repW.actor, 'INITECH')).toEqual(['Initech Pool', 'Initech West']);
  expect(await names(db.em(), w.manager.actor, 'initech')).toEqual(['Initech East', 'Initech Pool']);
});

test('full-width input, exact email and phone; blank queries find nothing', async () => {
  const w = await makeOrgWorld(db);
  const { em, tenant } = w;
  await makeCustomer(em, tenant, w.repA.user, 'Acme 2024', { email: 'buyer@acme.test', phone: '021-5555 1234' });
  await makeCustomer(em, tenant, w.repB.user, 'Hidden Co', { email: 'ceo@hidden.test', phone: '010-1111' });
  expect(await names(db.em(), w.repA.actor, 'ＡＣＭＥ　２０２４')).toEqual(['Acme 2024']);
  expect(await names(db.em(), w.repA.actor, 'Buyer@Acme.test')).toEqual(['Acme 2024']);
  expect(await names(db.em(), w.repA.actor, ' 021-5555 1234 ')).toEqual(['Acme 2024']);
  expect(await names(db.em(), w.repA.actor, 'ceo@hidden.test')).toEqual([]);
  expect(await names(db.em(), w.repA.actor, '010-1111')).toEqual([]);
  expect(await names(db.em(), w.repA.actor, '   ')).toEqual([]);
});

test('a command names a customer exactly even when dozens of visible names share its first word', async () => {
  const w = await makeOrgWorld(db);
  const { em, tenant } = w;
  for (let i = 0; i < 40; i++) await makeCustomer(em, tenant, null, `Shanghai Trading ${String(i).padStart(2, '0')}`);
  await makeCustomer(em, tenant, w.repW.user, 'Shanghai Trading 99');
  const ctx = { em: db.em(), actor: w.repA.actor };
  const match = await resolveCustomer(ctx, 'Shanghai Trading 37 met the buyer'.split(' '));
  expect(match).toMatchObject({ kind: 'one', customer: { name: 'Shanghai Trading 37' }, rest: 'met the buyer' });
  // Out of reach: no exact match, so the first word is a partial name with many candidates.
  expect(await resolveCustomer(ctx, 'Shanghai Trading 99 met'.split(' '))).toMatchObject({ kind: 'many', query: 'Shanghai' });
  expect((await findCustomersByName(db.em(), w.repA.actor, ['shanghai trading 05', 'SHANGHAI TRADING 99'])).map((c) => c.name)).toEqual(['Shanghai Trading 05']);
});
