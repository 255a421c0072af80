import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { importOrders } from '../../../src/cli/import-orders.command';
import { main } from '../../../src/cli/main';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { Opportunity } from '../../../src/domain/opportunities/opportunity.entity';
import { OrderLine } from '../../../src/domain/opportunities/order-line.entity';
import { StageChange } from '../../../src/domain/opportunities/stage-change.entity';
import type { User } from '../../../src/domain/org/user.entity';
import { Product } from '../../../src/domain/products/product.entity';
import { buildKpiReport } from '../../../src/domain/reports/build-kpi-report';
import { userActor } from '../../../src/domain/shared/actor';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { makeCustomer, makeTenant, makeUser } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { badLines, reasonsFor } from './cli-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const now = new Date('2026-12-01T08:00:00Z');
const header = 'order_id,order_date,customer,owner_email,region,sku,product_name,quantity,amount,currency,category,unit_price,discount';
const csv = (...lines: string[]) => ({ text: [header, ...lines].join('\n') });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-orders-'));

type World = { tenant: Tenant; amy: User; bob: User; admin: User };

/** A tenant in Shanghai with two reps and an admin, ACME (Bob's, in South) and a sensor without a category. */
async function world(slug: string): Promise<World> {
  const em = db.em();
  const tenant = await makeTenant(em, slug, { defaultTimezone: 'Asia/Shanghai', defaultCurrency: 'CNY' });
  const { user: amy } = await makeUser(em, tenant, { name: 'Amy Chen' });
  const { user: bob } = await makeUser(em, tenant, { name: '王波' });
  const { user: admin } = await makeUser(em, tenant, { name: 'Ann Admin', role: 'admin' });
  await makeCustomer(em, tenant, bob, 'ACME', { region: 'South' });
  em.create(Product, { tenantId: tenant.id, sku: 'SNS-100', name: '温度传感器', searchName: '温度传感器', listPrice: '1800.00', currency: 'CNY' } as Product);
  await em.flush();
  return { tenant, amy, bob, admin };
}

/**
 * Six orders in October 2026: one customer buying in East and West, an order whose lines are not
 * next to each other, a new customer with a comma in its name and a new SKU, an order by someone
 * who is not a user (ACME's owner gets it, and its region is ACME's), and a new pool customer's
 * order without owner (the admin gets it).
 */
const goodFile = (w: World) =>
  csv(
    `SO-1001,2026-10-05,上海华鑫精密机械有限公司,${w.amy.email},East,SNS-100,温度传感器,3,5399.97,CNY,Hardware,1799.99,`,
    `SO-1001,2026-10-05,上海华鑫精密机械有限公司,${w.amy.email},East,SVC-CTR,Service contract,1,24000.00,cny,Services,25000,1000`,
    `SO-1002,2026-10-12,上海华鑫精密机械有限公司,${w.amy.email!.toUpperCase()},West,SNS-100,温度传感器,1.5,2700.01,CNY,,,`,
    `SO-1003,2026-10-20,"Blue River Logistics, Ltd",${w.bob.email},North,new-sku,"Widget, large",2,0.02,CNY,Gadgets,0.01,`,
    `SO-1002,2026-10-12,上海华鑫精密机械有限公司,${w.amy.email},West,CLD-BKP,Cloud backup,1,9600,CNY,Software,,`,
    `SO-1004,2026-10-31,acme,ghost@example.com,,SNS-100,温度传感器,2,3333.33,CNY,,,`,
    `SO-1006,2026-10-01,Pool Buyer Co,,East,SVC-CTR,Service contract,1,100.00,CNY,,,`,
  );

const tables = ['opportunities', 'order_lines', 'opportunity_stage_changes', 'customers', 'products', 'audit_log'] as const;
async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await db.em().getConnection().execute(`select count(*)::int as n from ${t}`))[0].n);
  return out;
}

test('orders become won deals with their lines, regions and owners; customers and products are created', async () => {
  const w = await world('orders');
  const result = await importOrders(db.em(), 'orders', goodFile(w), { now });
  expect(result.errors).toEqual([]);
  expect(result).toMatchObject({ imported: true, rows: 7, created: 5, updated: 0, unchanged: 0, skipped: 0, customersCreated: 3, productsCreated: 3, productsCategorised: 1 });
  expect(result.notes).toEqual([
    `owner_email ghost@example.com is not a user of tenant orders (first on line 7): 1 order to the customer's owner`,
    `owner_email is empty (first on line 8): 1 order to Ann Admin <${w.admin.email}>, the tenant's first admin (the customer has no owner)`,
  ]);

  const em = db.em();
  const deals = new Map((await em.find(Opportunity, { tenantId: w.tenant.id })).map((d) => [d.sourceOrderId, d]));
  const customers = new Map((await em.find(Customer, { tenantId: w.tenant.id })).map((c) => [c.name, c]));
  const huaxin = customers.get('上海华鑫精密机械有限公司')!;
  // Midnight of the order date in the tenant's zone (Shanghai, UTC+8).
  expect(deals.get('SO-1001')).toMatchObject({
    title: 'Order SO-1001', stage: 'won', amount: '29399.97', currency: 'CNY', region: 'East', ownerId: w.amy.id, customerId: huaxin.id,
    probability: 100, closedAt: new Date('2026-10-04T16:00:00Z'), createdAt: new Date('2026-10-04T16:00:00Z'),
  });
  // The same customer bought in another region; lines of one order need not be next to each other.
  expect(deals.get('SO-1002')).toMatchObject({ amount: '12300.01', region: 'West', customerId: huaxin.id, ownerId: w.amy.id });
  expect(deals.get('SO-1003')).toMatchObject({ amount: '0.02', region: 'North', ownerId: w.bob.id, customerId: customers.get('Blue River Logistics, Ltd')!.id });
  // Not a user: ACME's owner. No region on the lines: none on the deal (reports use ACME's).
  expect(deals.get('SO-1004')).toMatchObject({ amount: '3333.33', region: null, ownerId: w.bob.id, customerId: customers.get('ACME')!.id });
  expect(deals.get('SO-1006')).toMatchObject({ amount: '100.00', ownerId: w.admin.id });
  expect(deals.size).toBe(5);

  // New customers: named as on their first order, owned by their last order's user, else in the pool; a customer since the first order.
  expect(huaxin).toMatchObject({ ownerId: w.amy.id, region: 'East', createdAt: new Date('2026-10-04T16:00:00Z'), createdBy: null });
  expect(customers.get('Pool Buyer Co')).toMatchObject({ ownerId: null });
  expect(customers.get('ACME')).toMatchObject({ ownerId: w.bob.id, region: 'South' });

  const lines = await em.find(OrderLine, { opportunityId: deals.get('SO-1001')!.id }, { orderBy: { lineNo: 'asc' } });
  expect(lines.map((l) => [l.lineNo, l.sku, l.name, l.category, l.quantity, l.unitPrice, l.discount, l.amount, l.currency])).toEqual([
    [1, 'SNS-100', '温度传感器', 'Hardware', '3.000', '1799.99', null, '5399.97', 'CNY'],
    [2, 'SVC-CTR', 'Service contract', 'Services', '1.000', '25000.00', '1000.00', '24000.00', 'CNY'],
  ]);
  const products = new Map((await em.find(Product, { tenantId: w.tenant.id })).map((p) => [p.sku, p]));
  // The stored sensor keeps its price and gets the file's category; unknown SKUs become products.
  expect(products.get('SNS-100')).toMatchObject({ listPrice: '1800.00', category: 'Hardware' });
  expect(products.get('SVC-CTR')).toMatchObject({ name: 'Service contract', listPrice: '25000.00', category: 'Services', currency: 'CNY', active: true });
  expect(products.get('NEW-SKU')).toMatchObject({ name: 'Widget, large', listPrice: '0.01', category: 'Gadgets' });
  expect(products.get('CLD-BKP')).toMatchObject({ listPrice: '9600.00', category: 'Software' });
  expect(lines[0]!.productId).toBe(products.get('SNS-100')!.id);

  // Closed in the stage history at its date, so a past period's pipeline sees it as closed.
  const history = await em.find(StageChange, { opportunityId: deals.get('SO-1001')!.id });
  expect(history).toMatchObject([{ fromStage: null, toStage: 'won', changedAt: new Date('2026-10-04T16:00:00Z'), changedBy: null }]);

  const audit = await em.find(AuditEntry, { tenantId: w.tenant.id });
  const byAction = audit.reduce<Record<string, number>>((m, a) => ({ ...m, [a.action]: (m[a.action] ?? 0) + 1 }), {});
  expect(byAction).toEqual({ 'opportunity.create': 5, 'customer.create': 3, 'product.create': 3, 'product.update': 1 });
  expect(audit.every((a) => a.actorLabel === 'cli' && a.actorUserId === null)).toBe(true);
  expect(audit.find((a) => a.action === 'opportunity.create' && a.entityId === deals.get('SO-1001')!.id)!.after).toMatchObject({ sourceOrderId: 'SO-1001', amount: '29399.97', lines: 2 });
});

test("the month's report has the imported revenue by rep, region and product, to the cent", async () => {
  const w = await world('orders-report');
  await importOrders(db.em(), 'orders-report', goodFile(w), { now });
  const report = await buildKpiReport(db.em(), userActor(w.tenant.id, w.admin.id, 'admin'), {
    period: 'monthly', scope: 'org', at: new Date('2026-10-15T04:00:00Z'), timezone: 'Asia/Shanghai', asOf: now,
  });
  expect(report.revenueWon.current).toBe('45133.33');
  expect(report.dealsWon.current).toBe('5');
  const figures = (rows: typeof report.byRep) => Object.fromEntries(rows.map((r) => [r.label, r.revenue.current]));
  expect(figures(report.byRep)).toEqual({ 'Amy Chen': '41699.98', '王波': '3333.35', 'Ann Admin': '100.00' });
  // SO-1004 has no region of its own: ACME's (South).
  expect(figures(report.byRegion)).toEqual({ East: '29499.97', West: '12300.01', North: '0.02', South: '3333.33' });
  expect(figures(report.byProduct)).toEqual({ 温度传感器: '11433.31', 'Service contract': '24100.00', 'Cloud backup': '9600.00', 'Widget, large': '0.02' });
  expect(report.byProduct.find((p) => p.key === 'SNS-100')!.dealsWon).toBe(3);

  // September's pipeline, rebuilt from the stage history, has none of them; nor does October's end (they are closed).
  for (const at of ['2026-09-15T04:00:00Z', '2026-10-15T04:00:00Z']) {
    const past = await buildKpiReport(db.em(), userActor(w.tenant.id, w.admin.id, 'admin'), { period: 'monthly', scope: 'org', at: new Date(at), timezone: 'Asia/Shanghai', asOf: now });
    expect(past.pipeline.stages.every((s) => s.count === 0)).toBe(true);
  }
});

test('bad lines: each reason named, nothing written; --skip-invalid imports the whole good orders only', async () => {
  const w = await world('orders-bad');
  await makeCustomer(db.em(), w.tenant, null, 'Twin Corp');
  await makeCustomer(db.em(), w.tenant, null, 'twin  CORP');
  const a = w.amy.email;
  const file = csv(
    `B-1,2026-10-01,ACME,${a},East,SNS-100,Sensor,1,10.00,CNY,,,`, // 2: fine, but its order has a bad line
    `B-1,2026-10-01,ACME,${a},East,SNS-100,Sensor,0,10.00,CNY,,,`, // 3
    `B-4,2026-13-01,ACME,${a},East,SNS-100,Sensor,1,10.00,CNY,,,`, // 4
    `B-5,01/10/2026,ACME,${a},East,SNS-100,Sensor,1,10.00,CNY,,,`, // 5
    `B-6,2026-10-01,ACME,${a},East,SNS-100,Sensor,1,12.345,CNY,,,`, // 6
    `B-7,2026-10-01,ACME,${a},East,SNS-100,Sensor,1,-5,CNY,,,`, // 7
    `B-8,2026-10-01,ACME,${a},East,SNS-100,Sensor,1,10.00,RMB1,,,`, // 8
    `B-9,2026-10-01,ACME,${a},East,SNS-100,Sensor,1,10.00,CNY,,,`, // 9: left out with line 10
    `B-9,2026-10-02,ACME,${a},West,SNS-100,Sensor,1,10.00,USD,,,`, // 10
    `B-11,2026-10-01,ACME,${a},East,SNS-100,Sensor,2,18.00,CNY,,10,10%`, // 11
    `B-12,2026-10-01,ACME,${a},East,SNS-100,Sensor,2,20.00,CNY,,10,5`, // 12
    `B-13,2026-10-01,ACME,${a},East,,Sensor,1,10.00,CNY,,,`, // 13
    `B-14,2026-10-01,ACME,${a},East,SNS-100`, // 14
    `B-15,2027-01-01,ACME,${a},East,SNS-100,Sensor,1,10.00,CNY,,,`, // 15
    `B-16,2026-10-01,TWIN CORP,${a},East,SNS-100,Sensor,1,10.00,CNY,,,`, // 16
    `B-17,2026-10-01,ACME,not-an-email,East,SNS-100,Sensor,1.0001,10.00,CNY,,,`, // 17
    `OK-1,2026-10-03,ACME,${a},East,SNS-100,Sensor,1,10.01,CNY,,,`, // 18: the one good order
    `OK-1,2026-10-03,ACME,${a},East,NEW-1,New thing,2,0.50,CNY,,0.25,`, // 19
  );
  const before = await counts();
  const refused = await importOrders(db.em(), 'orders-bad', file, { now });
  expect(refused.imported).toBe(false);
  expect(await counts()).toEqual(before);
  expect(badLines(refused.errors)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  expect(reasonsFor(refused.errors, 2)).toBe('order B-1 has errors on line 3 (an order is imported whole or not at all)');
  expect(reasonsFor(refused.errors, 3)).toBe('quantity must be above 0');
  expect(reasonsFor(refused.errors, 4)).toBe('order_date 2026-13-01 is not a date in the calendar');
  expect(reasonsFor(refused.errors, 5)).toBe('order_date "01/10/2026" must be a date written YYYY-MM-DD, like 2026-11-30');
  expect(reasonsFor(refused.errors, 6)).toMatch(/^amount "12.345" must be a decimal of at least 0 with at most 2 decimals/);
  expect(reasonsFor(refused.errors, 7)).toBe('amount "-5" must not be negative');
  expect(reasonsFor(refused.errors, 8)).toBe('currency "RMB1" must be a three-letter code like USD or CNY');
  expect(reasonsFor(refused.errors, 9)).toBe('order B-9 has errors on line 10 (an order is imported whole or not at all)');
  expect(reasonsFor(refused.errors, 10)).toBe(
    'order B-9 has order_date 2026-10-02, not 2026-10-01; currency USD, not CNY; region West, not East as on its line 9 (every line of an order has the same order_date, customer, owner_email, currency and region)',
  );
  expect(reasonsFor(refused.errors, 11)).toMatch(/^discount "10%" must be an amount of money, not a percent/);
  expect(reasonsFor(refused.errors, 12)).toBe('amount 20.00 is not quantity × unit_price − discount (2 × 10.00 − 5.00 = 15.00); discount is money off the line, not a percent');
  expect(reasonsFor(refused.errors, 13)).toBe('sku is required');
  expect(reasonsFor(refused.errors, 14)).toMatch(/has 6 fields, the header has 13/);
  expect(reasonsFor(refused.errors, 15)).toBe("order_date 2027-01-01 is in the future (today is 2026-12-01 in the tenant's time zone)");
  expect(reasonsFor(refused.errors, 16)).toBe('2 customers named "TWIN CORP" already exist: cannot tell which one placed this order');
  expect(reasonsFor(refused.errors, 17)).toBe('owner_email "not-an-email" is not a valid email address; quantity "1.0001" must be a number above 0 with at most 3 decimals, like 2 or 1.5');

  const skipped = await importOrders(db.em(), 'orders-bad', file, { now, skipInvalid: true });
  expect(skipped).toMatchObject({ imported: true, created: 1, skipped: 13, linesSkipped: 16, productsCreated: 1 });
  const deals = await db.em().find(Opportunity, { tenantId: w.tenant.id });
  expect(deals.map((d) => [d.sourceOrderId, d.amount])).toEqual([['OK-1', '10.51']]);
  expect(await db.em().count(OrderLine, { tenantId: w.tenant.id })).toBe(2);
});

test('a re-import updates the deals and replaces their lines, never duplicates; the same file changes nothing', async () => {
  const w = await world('orders-again');
  const file = goodFile(w);
  await importOrders(db.em(), 'orders-again', file, { now });
  const first = await counts();
  expect(await importOrders(db.em(), 'orders-again', file, { now })).toMatchObject({ imported: true, created: 0, updated: 0, unchanged: 5, customersCreated: 0, productsCreated: 0 });
  expect(await counts()).toEqual(first);

  // SO-1002 loses its backup line and is re-priced; SO-1001 moves a day; SO-1004's customer's owner is now given.
  const changed = {
    text: file.text
      .split('\n')
      .filter((l) => !l.includes('CLD-BKP'))
      .map((l) => l.replace(',1.5,2700.01,', ',1.5,2700.02,').replaceAll('SO-1001,2026-10-05', 'SO-1001,2026-10-06'))
      .map((l) => (l.startsWith('SO-1004') ? l.replace('ghost@example.com', w.amy.email!) : l))
      .join('\n'),
  };
  const again = await importOrders(db.em(), 'orders-again', changed, { now });
  expect(again).toMatchObject({ imported: true, created: 0, updated: 3, unchanged: 2, customersCreated: 0, productsCreated: 0 });
  const deals = new Map((await db.em().find(Opportunity, { tenantId: w.tenant.id })).map((d) => [d.sourceOrderId, d]));
  expect(deals.size).toBe(5);
  expect(deals.get('SO-1002')).toMatchObject({ amount: '2700.02' });
  expect(deals.get('SO-1004')).toMatchObject({ ownerId: w.amy.id });
  expect(deals.get('SO-1001')).toMatchObject({ closedAt: new Date('2026-10-05T16:00:00Z'), amount: '29399.97' });
  const lines = await db.em().find(OrderLine, { opportunityId: deals.get('SO-1002')!.id });
  expect(lines.map((l) => [l.lineNo, l.sku, l.amount])).toEqual([[1, 'SNS-100', '2700.02']]);
  expect((await counts()).order_lines).toBe(first.order_lines - 1);
  // Its one history row moved with the date: still one row, now on the new date.
  expect(await db.em().find(StageChange, { opportunityId: deals.get('SO-1001')!.id })).toMatchObject([{ toStage: 'won', changedAt: new Date('2026-10-05T16:00:00Z') }]);
  const updates = await db.em().find(AuditEntry, { tenantId: w.tenant.id, action: 'opportunity.update' }, { orderBy: { id: 'asc' } });
  expect(updates).toHaveLength(3);
  const so1002 = updates.find((u) => u.entityId === deals.get('SO-1002')!.id)!;
  expect(so1002.before).toMatchObject({ amount: '12300.01', lines: 2 });
  expect(so1002.after).toMatchObject({ amount: '2700.02', lines: 1 });

  // Someone marked an imported order lost in chat: the file says it was sold, a re-import says so again, on the record.
  const so1003 = deals.get('SO-1003')!;
  await db.em().getConnection().execute(`update opportunities set stage = 'lost', lost_reason = 'price' where id = ?`, [so1003.id]);
  expect(await importOrders(db.em(), 'orders-again', changed, { now })).toMatchObject({ updated: 1, unchanged: 4 });
  expect(await db.em().findOneOrFail(Opportunity, { id: so1003.id })).toMatchObject({ stage: 'won', lostReason: null, closedAt: new Date('2026-10-19T16:00:00Z') });
  const moves = await db.em().find(StageChange, { opportunityId: so1003.id }, { orderBy: { changedAt: 'asc' } });
  expect(moves.map((m) => [m.fromStage, m.toStage])).toEqual([[null, 'won'], ['lost', 'won']]);
});

test('an order nobody can own (owner_email not a user, a new customer, no admin) is refused', async () => {
  const tenant = await makeTenant(db.em(), 'orders-no-admin', { defaultTimezone: 'UTC' });
  const { user } = await makeUser(db.em(), tenant, { name: 'Rep' });
  const result = await importOrders(db.em(), 'orders-no-admin', csv(
    `N-1,2026-10-01,Nobody's Co,left@example.com,East,SKU-1,Thing,1,5,USD,,,`,
    `N-1,2026-10-01,Nobody's Co,left@example.com,East,SKU-2,Other thing,1,5,USD,,,`,
    `N-2,2026-10-01,Somebody's Co,${user.email},East,SKU-1,Thing,1,5,USD,,,`,
  ), { now, skipInvalid: true });
  expect(reasonsFor(result.errors, 2)).toBe('nobody can own order N-1: owner_email left@example.com is not a user, the customer has no owner and the tenant has no active admin (import users first)');
  expect(reasonsFor(result.errors, 3)).toBe('order N-1 has errors on line 2 (an order is imported whole or not at all)');
  expect(result).toMatchObject({ imported: true, created: 1, skipped: 1, customersCreated: 1 });
  expect((await db.em().find(Customer, { tenantId: tenant.id })).map((c) => c.name)).toEqual(["Somebody's Co"]);
  expect(await db.em().findOneOrFail(Opportunity, { tenantId: tenant.id })).toMatchObject({ sourceOrderId: 'N-2', closedAt: new Date('2026-10-01T00:00:00Z'), currency: 'USD' });
});

test('sfa import orders: prints the bad lines or the summary; exit code 1 or 0', async () => {
  const w = await world('orders-cli');
  const file = path.join(tmp, 'orders.csv');
  fs.writeFileSync(file, `\uFEFF${goodFile(w).text.replace(/\n/g, '\r\n')}\r\n`);
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DATABASE_URL: db.url });
    return { code, out, err };
  };
  const ok = await run('import', 'orders', file, '--tenant', 'orders-cli');
  expect(ok.code).toBe(0);
  expect(ok.out[0]).toBe('orders: 5 created, 0 updated, 0 skipped, 0 unchanged (tenant orders-cli)');
  expect(ok.out[1]).toMatch(/^lines: 7 read, 0 skipped; customers: 3 created; products: 3 created, 1 given a category \(\d+\.\d s\)$/);
  expect(ok.err).toEqual([expect.stringMatching(/^note: owner_email ghost@example.com is not a user/), expect.stringMatching(/^note: owner_email is empty/)]);

  const badFile = path.join(tmp, 'orders-bad.csv');
  fs.writeFileSync(badFile, `${header}\nX-1,2026-10-01,ACME,,East,SNS-100,Sensor,1,ten,CNY,,,\nX-2,2026-10-01,ACME,,East,SNS-100,Sensor,1,10,CNY,,,\n`);
  const bad = await run('import', 'orders', badFile, '--tenant', 'orders-cli');
  expect(bad).toMatchObject({ code: 1, err: [expect.stringMatching(/^line 2: amount "ten" must be a decimal/)] });
  expect(bad.out).toEqual(['orders: nothing imported: 1 of 2 rows has errors (fix them, or use --skip-invalid to import the other 1)']);
  expect(await run('import', 'orders', path.join(tmp, 'missing.csv'), '--tenant', 'orders-cli')).toMatchObject({ code: 1, err: [expect.stringMatching(/^file not found: /)] });
  expect((await run('help')).out.join('\n')).toMatch(/sfa import orders <file.csv> \[--tenant <slug>\] \[--skip-invalid\]/);
});

test('100,000 lines stream in under a minute with memory flat; a re-import of them changes nothing', async () => {
  const em = db.em();
  const tenant = await makeTenant(em, 'orders-big', { defaultTimezone: 'Asia/Shanghai', defaultCurrency: 'CNY' });
  const reps: User[] = [];
  for (let i = 0; i < 20; i++) reps.push((await makeUser(em, tenant, { name: `Rep ${i}` })).user);
  const file = path.join(tmp, 'orders-100k.csv');
  // 40,000 orders of 1 to 4 lines over two years, 3,000 customers, 500 SKUs; the exact total kept in cents.
  let totalCents = 0n;
  let orders = 0;
  const out = fs.createWriteStream(file);
  out.write(`${header}\n`);
  for (let line = 0, order = 1; line < 100_000; order++) {
    orders++;
    const day = new Date(Date.UTC(2024, 0, 1) + (order % 700) * 86_400_000).toISOString().slice(0, 10);
    const c = order % 3000;
    for (let k = 0; k <= order % 4 && line < 100_000; k++, line++) {
      const quantity = 1 + ((order + k) % 5);
      const unitCents = (10 + ((order * 7 + k) % 990)) * 100 + ((order + k) % 100);
      totalCents += BigInt(quantity * unitCents);
      const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      const sku = (order + k) % 500;
      if (!out.write(`ORD-${order},${day},Customer ${c},${reps[c % 20]!.email},${['East', 'West', 'North', 'South'][order % 4]},SKU-${sku},Product ${sku},${quantity},${money(quantity * unitCents)},CNY,Cat ${sku % 12},${money(unitCents)},\n`)) {
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    }
  }
  await new Promise((resolve) => out.end(resolve));

  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const started = Date.now();
  const result = await importOrders(db.em(), 'orders-big', file, { now });
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  process.stdout.write(
    `import orders, 100,000 lines (${mb(fs.statSync(file).size)} MB file): ${seconds.toFixed(1)} s; RSS ${mb(start.rss)} → peak ${mb(peakRss)} MB (+${mb(peakRss - start.rss)}), ` +
      `heap ${mb(start.heapUsed)} → peak ${mb(peakHeap)} MB (+${mb(peakHeap - start.heapUsed)})\n`,
  );

  expect(result.errors).toEqual([]);
  expect(result).toMatchObject({ imported: true, rows: 100_000, created: orders });
  expect(seconds).toBeLessThan(60);
  // Flat: a few staging batches in memory at a time, never the file (the whole file as objects would be several hundred MB).
  expect(peakRss - start.rss).toBeLessThan(200 * 1024 * 1024);
  expect(peakHeap - start.heapUsed).toBeLessThan(200 * 1024 * 1024);

  // What stays allocated (forcing a collection now and then): the same whatever the file's size.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  const retainedStart = process.memoryUsage().heapUsed;
  let retainedPeak = 0;
  const collector = setInterval(() => {
    gc();
    retainedPeak = Math.max(retainedPeak, process.memoryUsage().heapUsed - retainedStart);
  }, 250);
  const againStarted = Date.now();
  const again = await importOrders(db.em(), 'orders-big', file, { now });
  clearInterval(collector);
  process.stdout.write(`re-import of the same 100,000 lines: ${((Date.now() - againStarted) / 1000).toFixed(1)} s; heap kept alive at most +${mb(retainedPeak)} MB\n`);
  expect(again).toMatchObject({ imported: true, created: 0, updated: 0, unchanged: orders });
  expect(retainedPeak).toBeLessThan(50 * 1024 * 1024);

  const [stored] = await db.em().getConnection().execute(
    `select count(*)::int as lines, sum(amount)::text as total, (select sum(amount)::text from opportunities where tenant_id = ?) as deals from order_lines where tenant_id = ?`,
    [tenant.id, tenant.id],
  );
  const expected = `${totalCents / 100n}.${String(totalCents % 100n).padStart(2, '0')}`;
  expect(stored).toEqual({ lines: 100_000, total: expected, deals: expected });
}, 180_000);
