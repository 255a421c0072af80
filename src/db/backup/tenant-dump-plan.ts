import type { Catalog, CatalogForeignKey, CatalogTable } from './catalog';

/** The table whose one row is the tenant; every tenant table points at it through `tenant_id`. */
export const rootTable = 'tenants';
export const tenantColumn = 'tenant_id';

export type RowOwner =
  | { kind: 'root' }
  /** The table has a `tenant_id` column. */
  | { kind: 'column' }
  /** No `tenant_id`: a row is the tenant's when a foreign key leads to a row of the tenant (quote lines → quotes). */
  | { kind: 'parent'; keys: CatalogForeignKey[] };

export type TableDump = {
  table: string;
  /** The columns written and loaded, in table order (generated columns are computed again on load). */
  columns: string[];
  primaryKey: string[];
  owner: RowOwner;
  /**
   * Foreign keys that close a cycle (org units name a manager, users name their unit): these
   * columns are loaded as null and set once every table is in, so every check stays on.
   */
  deferred: CatalogForeignKey[];
  /**
   * A single-column key drawn from a sequence that nothing points at (audit entries, outbox rows,
   * deliveries): when the target already uses some of the dump's ids, the rows get new ones.
   */
  renumberable?: string;
  /** Columns drawn from a sequence: after the load the sequence is moved past the highest id. */
  sequenceColumns: string[];
};

export type TenantDumpPlan = {
  /** In load order: a table comes after every table its (not deferred) foreign keys point at. */
  tables: TableDump[];
  /** Tables holding no tenant's rows (the migrations ledger): not in a tenant dump. */
  globalTables: string[];
};

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;
export const identList = (names: string[]): string => names.map(quoteIdent).join(', ');

/** Walks the schema: which tables hold a tenant's rows, how to find them, and the order to load them in. */
export function planTenantDump(catalog: Catalog): TenantDumpPlan {
  const tables = new Map(catalog.tables.map((t) => [t.name, t]));
  const root = tables.get(rootTable);
  if (!root || root.primaryKey.length !== 1) throw new Error(`the schema has no "${rootTable}" table with a one-column primary key`);

  const owners = new Map<string, RowOwner>([[rootTable, { kind: 'root' }]]);
  for (const t of catalog.tables) if (t.name !== rootTable && t.columns.some((c) => c.name === tenantColumn)) owners.set(t.name, { kind: 'column' });
  // Children of tenant tables, and their children, until nothing more is reached. A child is found
  // through the tables known before it, so the conditions never go round in a circle.
  const parentKeys = (table: string) => catalog.foreignKeys.filter((k) => k.table === table && k.references !== table && owners.has(k.references));
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of catalog.tables) {
      const keys = owners.has(t.name) ? [] : parentKeys(t.name);
      if (keys.length === 0) continue;
      owners.set(t.name, { kind: 'parent', keys });
      grew = true;
    }
  }

  const { order, deferred } = loadOrder([...owners.keys()], catalog.foreignKeys, tables);
  const referenced = new Set(catalog.foreignKeys.map((k) => k.references));
  const dumps = order.map((name): TableDump => {
    const t = tables.get(name)!;
    const deferredHere = deferred.filter((k) => k.table === name);
    const key = t.primaryKey.length === 1 ? t.columns.find((c) => c.name === t.primaryKey[0]) : undefined;
    return {
      table: name,
      columns: t.columns.filter((c) => !c.generated).map((c) => c.name),
      primaryKey: t.primaryKey,
      owner: owners.get(name)!,
      deferred: deferredHere,
      renumberable: key?.serial && !referenced.has(name) && deferredHere.length === 0 ? key.name : undefined,
      sequenceColumns: t.columns.filter((c) => c.serial && !c.generated).map((c) => c.name),
    };
  });
  return { tables: dumps, globalTables: catalog.tables.map((t) => t.name).filter((n) => !owners.has(n)).sort() };
}

/**
 * Tables in layers, each after the tables it points at; a cycle is broken at a nullable foreign
 * key on it (the first by table and key name), which is then loaded afterwards.
 */
function loadOrder(names: string[], keys: CatalogForeignKey[], tables: Map<string, CatalogTable>): { order: string[]; deferred: CatalogForeignKey[] } {
  const inDump = new Set(names);
  const edges = keys.filter((k) => inDump.has(k.table) && inDump.has(k.references) && k.table !== k.references);
  const deferred: CatalogForeignKey[] = [];
  const order: string[] = [rootTable];
  const remaining = new Set(names.filter((n) => n !== rootTable));
  const live = () => edges.filter((k) => !deferred.includes(k) && remaining.has(k.table) && remaining.has(k.references));
  while (remaining.size > 0) {
    const blocked = new Set(live().map((k) => k.table));
    const ready = [...remaining].filter((n) => !blocked.has(n)).sort();
    if (ready.length > 0) {
      for (const n of ready) { order.push(n); remaining.delete(n); }
      continue;
    }
    const onCycle = live().filter((k) => reaches(k.references, k.table, live()));
    const breakable = onCycle
      .filter((k) => k.columns.every((c) => tables.get(k.table)!.columns.find((col) => col.name === c)?.nullable) && tables.get(k.table)!.primaryKey.length > 0)
      .sort((a, b) => a.table.localeCompare(b.table) || a.name.localeCompare(b.name));
    if (breakable.length === 0) throw new Error(`tables ${[...new Set(onCycle.map((k) => k.table))].sort().join(', ')} point at each other through columns that cannot be null: no load order exists`);
    deferred.push(breakable[0]!);
  }
  return { order, deferred };
}

function reaches(from: string, to: string, edges: CatalogForeignKey[]): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const at = stack.pop()!;
    if (at === to) return true;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const k of edges) if (k.table === at) stack.push(k.references);
  }
  return false;
}

/** A condition on `table`'s own columns that holds for exactly the tenant's rows. */
export function tenantRowsWhere(plan: TenantDumpPlan, table: string, tenantId: string): string {
  const t = plan.tables.find((d) => d.table === table);
  if (!t) throw new Error(`table ${table} holds no tenant data`);
  const id = quoteLiteral(tenantId);
  switch (t.owner.kind) {
    case 'root':
      return `${quoteIdent(t.primaryKey[0]!)} = ${id}`;
    case 'column':
      return `${quoteIdent(tenantColumn)} = ${id}`;
    case 'parent':
      // Inside each subquery the parent's own columns are meant: the innermost table wins.
      return t.owner.keys
        .map((k) => `(${identList(k.columns)}) in (select ${identList(k.referencedColumns)} from ${quoteIdent(k.references)} where ${tenantRowsWhere(plan, k.references, tenantId)})`)
        .join(' or ');
  }
}
