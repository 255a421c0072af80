import { importPriceRules } from '../../../src/cli/import-price-rules.command';
import { importProducts } from '../../../src/cli/import-products.command';
import { PriceRule } from '../../../src/domain/products/price-rule.entity';
import { Product } from '../../../src/domain/products/product.entity';
import { makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const csv = (...lines: string[]) => lines.join('\n');

test('products: all or nothing, every bad row named; a re-import updates by SKU and never clears', async () => {
  const tenant = await makeTenant(db.em(), 'catalog');
  const bad = await importProducts(db.em(), 'catalog', csv('sku,name,list_price,currency,specs', 'SKU-1,Widget,100.00,usd,10 cm', 'SKU 2,Gadget,1.234,US,', 'SKU-3,,¥50,CNY,', 'sku-1,Again,1,USD,'));
  expect(bad.imported).toBe(false);
  expect(bad.errors.map((e) => `${e.line}: ${e.reason}`)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^3: sku may hold/), expect.stringMatching(/^3: list_price must be a price/), expect.stringMatching(/^3: currency must be/), expect.stringMatching(/^4: name is required/), expect.stringMatching(/^4: list_price/), expect.stringMatching(/SKU-1 appears more than once/)]),
  );
  expect(await db.em().count(Product, { tenantId: tenant.id })).toBe(0);

  const good = await importProducts(db.em(), 'catalog', csv('sku,name,list_price,currency,specs,description', 'SKU-1,Widget,100,usd,10 cm,', '路由器-A,企业路由器,2999.50,CNY,,千兆'));
  expect(good.errors).toEqual([]);
  expect(good).toMatchObject({ imported: true, created: 2 });
  const again = await importProducts(db.em(), 'catalog', csv('sku,name,list_price,currency,specs', 'sku-1,Widget,120.00,USD,', '路由器-A,企业路由器,2999.50,CNY,'));
  expect(again).toMatchObject({ imported: true, created: 0, updated: 1, unchanged: 1 });
  const widget = await db.em().findOneOrFail(Product, { tenantId: tenant.id, sku: 'SKU-1' });
  expect(widget).toMatchObject({ listPrice: '120.00', currency: 'USD', specs: '10 cm' });
});

test('price rules: what each kind needs is checked; names identify rules', async () => {
  const tenant = await makeTenant(db.em(), 'rules');
  const bad = await importPriceRules(db.em(), 'rules', csv('name,kind,tier,unit_price,percent,min_quantity,valid_from,valid_to', 'List B,price_list,,90,,,,', 'Promo,promotion,,,10,,2026-12-31,2026-12-01', 'Odd,discount,,,,,,', 'Vol,volume,,,-5,10,,'));
  expect(bad.imported).toBe(false);
  expect(bad.errors.map((e) => `${e.line}: ${e.reason}`)).toEqual(
    expect.arrayContaining(['2: tier or customer_type is required for a price_list', '3: valid_to must be after valid_from', expect.stringMatching(/^4: kind must be one of/), '5: percent may be negative only for a region rule']),
  );
  const good = await importPriceRules(db.em(), 'rules', csv('name,kind,sku,tier,region,unit_price,percent,min_quantity,valid_from,valid_to', 'List B,price_list,sku-1,b,,90,,,,', 'East,region,,,East,,-3,,,', '10+,volume,,,,,5%,10,,', 'Dec promo,promotion,,,,,10,,2026-12-01,2027-01-01', 'Cap,cap,,,,,20,,,'));
  expect(good).toMatchObject({ imported: true, created: 5 });
  const rules = await db.em().find(PriceRule, { tenantId: tenant.id }, { orderBy: { name: 'asc' } });
  expect(rules.find((r) => r.name === 'List B')).toMatchObject({ kind: 'price_list', sku: 'SKU-1', tier: 'B', unitPrice: '90.00' });
  expect(rules.find((r) => r.name === 'East')).toMatchObject({ percent: '-3.000' });
  const off = await importPriceRules(db.em(), 'rules', csv('name,kind,percent,active', 'Cap,cap,20,false'));
  expect(off).toMatchObject({ updated: 1 });
  expect((await db.em().findOneOrFail(PriceRule, { tenantId: tenant.id, name: 'Cap' })).active).toBe(false);
});
