/**
 * What the tenant dump needs to know about the schema, read from PostgreSQL's catalog at export
 * time rather than listed by hand: a table added by a later migration is walked like the others.
 *
 * pg_catalog rather than information_schema: it pairs the columns of a composite foreign key by
 * position, and shows primary keys, sequence-owned columns and generated columns in one place.
 */

export type CatalogColumn = {
  name: string;
  nullable: boolean;
  /** `generated always as (…) stored`: computed by the database, never loaded. */
  generated: boolean;
  /** Draws its default from a sequence it owns (serial, bigserial, identity). */
  serial: boolean;
};

export type CatalogTable = { name: string; columns: CatalogColumn[]; primaryKey: string[] };

export type CatalogForeignKey = { name: string; table: string; columns: string[]; references: string; referencedColumns: string[] };

export type Catalog = { schema: string; tables: CatalogTable[]; foreignKeys: CatalogForeignKey[] };

/** Runs one query and returns its rows (the ORM's connection, inside the export's transaction). */
export type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

export async function readCatalog(query: Query): Promise<Catalog> {
  const [{ schema }] = await query<{ schema: string }>(`select current_schema() as schema`);
  // Ordinary and partitioned tables of the schema; partitions are read through their parent.
  const columns = await query<{ table: string; column: string; nullable: boolean; generated: boolean; serial: boolean }>(
    `select c.relname as "table", a.attname as "column", not a.attnotnull as nullable, a.attgenerated <> '' as generated,
            pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) is not null as serial
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
      order by c.relname, a.attnum`,
  );
  const keys = await query<{ table: string; name: string; type: 'p' | 'f'; columns: string[]; references: string | null; referenced_columns: string[] | null }>(
    `select c.relname as "table", k.conname as name, k.contype as type,
            array(select a.attname::text from unnest(k.conkey) with ordinality u(num, pos)
                   join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.num order by u.pos) as columns,
            case when r.relnamespace = c.relnamespace then r.relname::text end as "references",
            case when k.contype = 'f' then array(select a.attname::text from unnest(k.confkey) with ordinality u(num, pos)
                   join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.num order by u.pos) end as referenced_columns
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_class r on r.oid = k.confrelid
      where n.nspname = current_schema() and k.contype in ('p', 'f')
      order by c.relname, k.conname`,
  );
  const byTable = new Map<string, CatalogTable>();
  for (const c of columns) {
    const table = byTable.get(c.table) ?? { name: c.table, columns: [], primaryKey: [] };
    table.columns.push({ name: c.column, nullable: c.nullable, generated: c.generated, serial: c.serial });
    byTable.set(c.table, table);
  }
  const foreignKeys: CatalogForeignKey[] = [];
  for (const k of keys) {
    if (!byTable.has(k.table)) continue;
    if (k.type === 'p') byTable.get(k.table)!.primaryKey = k.columns;
    // A key into another schema is not the tenant's data: left to whoever owns that schema.
    else if (k.references && byTable.has(k.references)) foreignKeys.push({ name: k.name, table: k.table, columns: k.columns, references: k.references, referencedColumns: k.referenced_columns! });
  }
  return { schema, tables: [...byTable.values()], foreignKeys };
}
