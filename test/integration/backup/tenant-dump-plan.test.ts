import { readCatalog, type Catalog, type CatalogTable } from '../../../src/db/backup/catalog';
import { planTenantDump, tenantRowsWhere } from '../../../src/db/backup/tenant-dump-plan';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
let catalog: Catalog;
beforeAll(async () => {
  db = await createTestDatabase();
  const conn = db.em().getConnection();
  catalog = await readCatalog((sql, params = []) => conn.execute(sql, params));
});
afterAll(async () => { await db.drop(); });

test('the schema walk finds every table with tenant data, children through their parents, in an order the foreign keys accept', () => {
  const plan = planTenantDump(catalog);
  const order = plan.tables.map((t) => t.table);
  expect(order[0]).toBe('tenants');
  // Nothing is left out but the migrations ledger: a table added later is in the dump without a list to update.
  expect(plan.globalTables).toEqual(['mikro_orm_migrations']);
  expect(new Set([...order, ...plan.globalTables])).toEqual(new Set(catalog.tables.map((t) => t.name)));
  // A line is the tenant's through its quote (or its product): any key that leads to the tenant.
  const lines = plan.tables.find((t) => t.table === 'quote_lines')!.owner;
  expect(lines.kind === 'parent' && lines.keys.map((k) => `${k.columns.join(',')}->${k.references}`).sort()).toEqual(['product_id->products', 'quote_id->quotes']);
  expect(plan.tables.find((t) => t.table === 'interactions')!.owner).toEqual({ kind: 'column' });
  // Units and users point at each other: the unit's manager is set once the users are in.
  expect(plan.tables.flatMap((t) => t.deferred.map((k) => `${k.table}.${k.columns.join(',')}`))).toEqual(['org_units.manager_id']);
  for (const key of catalog.foreignKeys) {
    if (key.table === key.references || plan.tables.some((t) => t.deferred.includes(key))) continue;
    expect({ key: key.name, after: order.indexOf(key.table) > order.indexOf(key.references) }).toEqual({ key: key.name, after: true });
  }
  // Serial keys nothing points at may be renumbered on a crowded target; their sequences are fixed after a load.
  expect(plan.tables.filter((t) => t.renumberable).map((t) => t.table).sort()).toEqual(['audit_log', 'deliveries', 'outbox', 'signal_batches', 'signal_events']);
  expect(plan.tables.find((t) => t.table === 'audit_log')!.sequenceColumns).toEqual(['id']);
  expect(tenantRowsWhere(plan, 'quote_lines', '00000000-0000-0000-0000-000000000001')).toContain(
    `("quote_id") in (select "id" from "quotes" where "tenant_id" = '00000000-0000-0000-0000-000000000001')`,
  );
});

const table = (name: string, columns: Array<[string, boolean?]>, primaryKey = ['id']): CatalogTable => ({
  name,
  primaryKey,
  columns: columns.map(([c, nullable]) => ({ name: c, nullable: nullable ?? false, generated: false, serial: false })),
});
const fk = (t: string, column: string, references: string) => ({ name: `${t}_${column}_fk`, table: t, columns: [column], references, referencedColumns: ['id'] });

test('grandchildren are reached through their parents; tables no tenant reaches are global; a cycle of NOT NULL keys is refused', () => {
  const base: Catalog = {
    schema: 'public',
    tables: [
      table('tenants', [['id']]),
      table('orders', [['id'], ['tenant_id']]),
      table('lines', [['id'], ['order_id']]),
      table('line_notes', [['id'], ['line_id']]),
      table('countries', [['id']]),
    ],
    foreignKeys: [fk('orders', 'tenant_id', 'tenants'), fk('lines', 'order_id', 'orders'), fk('line_notes', 'line_id', 'lines')],
  };
  const plan = planTenantDump(base);
  expect(plan.tables.map((t) => t.table)).toEqual(['tenants', 'orders', 'lines', 'line_notes']);
  expect(plan.globalTables).toEqual(['countries']);
  expect(tenantRowsWhere(plan, 'line_notes', 't1')).toBe(`("line_id") in (select "id" from "lines" where ("order_id") in (select "id" from "orders" where "tenant_id" = 't1'))`);

  const cyclic: Catalog = {
    schema: 'public',
    tables: [table('tenants', [['id']]), table('a', [['id'], ['tenant_id'], ['b_id']]), table('b', [['id'], ['tenant_id'], ['a_id']])],
    foreignKeys: [fk('a', 'b_id', 'b'), fk('b', 'a_id', 'a')],
  };
  expect(() => planTenantDump(cyclic)).toThrow('tables a, b point at each other through columns that cannot be null');
  // The same cycle through a nullable column: broken there, that column loaded last.
  cyclic.tables[2] = table('b', [['id'], ['tenant_id'], ['a_id', true]]);
  const broken = planTenantDump(cyclic);
  expect(broken.tables.map((t) => t.table)).toEqual(['tenants', 'b', 'a']);
  expect(broken.tables.find((t) => t.table === 'b')!.deferred.map((k) => k.name)).toEqual(['b_a_id_fk']);
});
