import { identList, quoteIdent, quoteLiteral, rootTable, tenantRowsWhere, type TableDump, type TenantDumpPlan } from './tenant-dump-plan';

/**
 * The tenant dump is a psql script: a header, a guard, one `COPY … FROM stdin` block per table in
 * load order, the deferred foreign keys, sequence fixes, a count check and `commit`. psql alone
 * can load it (`gunzip -c dump.sql.gz | psql -X -d …`), and it is one transaction whoever runs it:
 * a refused or truncated load leaves nothing behind, since `commit` is its last statement.
 */
export const dumpFormat = 1;
export const headerMarker = '-- sfa-tenant-dump ';
export const trailerMarker = '-- sfa-tenant-dump-end ';
const endOfHeader = '-- end of header';

export type DumpHeader = {
  format: typeof dumpFormat;
  tenant: { id: string; slug: string; name: string; slackTeamId: string | null; teamsTenantId: string | null };
  schema: string;
  migrationsTable: string;
  /** Every migration applied to the source, by name: the target must have exactly these. */
  migrations: string[];
  /** In load order. */
  tables: string[];
  globalTables: string[];
  madeAt: string;
};

export type DumpTrailer = { rows: Record<string, number>; finishedAt: string };

/** The lowest and highest id of a renumberable table's rows in the dump (none when it has no rows). */
export type IdRanges = Map<string, { min: string; max: string }>;

/** A dollar-quoted body whose tag does not occur in it. */
function dollarQuoted(body: string): string {
  let tag = 'sfa';
  while (body.includes(`$${tag}$`)) tag += '_';
  return `$${tag}$\n${body}\n$${tag}$`;
}

const doBlock = (body: string) => `do ${dollarQuoted(body)};\n`;

export function preamble(header: DumpHeader, plan: TenantDumpPlan): string {
  const t = header.tenant;
  const comments = [
    `-- SFA tenant dump, format ${header.format}: tenant ${t.slug} (${t.id})`,
    `-- made ${header.madeAt}; ${header.migrations.length} migrations, the last ${header.migrations.at(-1) ?? 'none'}`,
    `-- Every row of the tenant in ${header.tables.length} tables (${header.tables.join(', ')}), in one transaction.`,
    `-- Not in it: ${header.globalTables.join(', ') || 'nothing'} (no tenant's data), Redis (jobs are rebuilt from the outbox), files.`,
    '-- Load it into a database at exactly these migrations where the tenant does not exist yet:',
    '--   sfa tenant import <file>        or        gunzip -c <file> | psql -X -d <database url>',
    '-- Slack installations stay sealed with ENCRYPTION_KEY: the service on the target needs the same key.',
    `${headerMarker}${JSON.stringify(header)}`,
    endOfHeader,
  ];
  const settings = [
    '\\set ON_ERROR_STOP on',
    "set client_encoding = 'UTF8';",
    'set standard_conforming_strings = on;',
    "set datestyle = 'ISO';",
    `set search_path = ${quoteIdent(header.schema)}, pg_catalog;`,
    'begin;',
    // A load waits this long at most for a lock (another session's long transaction), then gives up.
    "set local lock_timeout = '60s';",
    'set local statement_timeout = 0;',
  ];
  return [...comments, ...settings, guard(header), disableTriggers(plan)].join('\n');
}

/** Refuses a target at other migrations, or one where the tenant (or its workspace) already is. */
function guard(header: DumpHeader): string {
  const t = header.tenant;
  const migrations = quoteIdent(header.migrationsTable);
  const taken = [
    ['id', t.id, 'the same id'],
    ['slug', t.slug, 'the same slug'],
    ['slack_team_id', t.slackTeamId, 'the same Slack workspace'],
    ['teams_tenant_id', t.teamsTenantId, 'the same Teams tenant'],
  ].filter(([, value]) => value !== null) as string[][];
  const list = (values: string[]) => (values.length ? `array[${values.map(quoteLiteral).join(', ')}]::text[]` : `'{}'::text[]`);
  return doBlock(
    [
      'declare',
      `  expected text[] := ${list([...header.migrations].sort())};`,
      '  actual text[];',
      'begin',
      `  if to_regclass(${quoteLiteral(migrations)}) is null then`,
      `    raise exception 'sfa tenant dump: this database has no migrations yet: run sfa migrate first';`,
      '  end if;',
      `  select coalesce(array_agg(name::text order by name collate "C"), '{}') into actual from ${migrations};`,
      '  if actual is distinct from expected then',
      `    raise exception 'sfa tenant dump: this database is at other migrations than the dump (missing here: %; not in the dump: %): load it with the release that made it, then start the new one',`,
      `      (select coalesce(string_agg(m, ', '), 'none') from unnest(expected) m where m <> all (actual)),`,
      `      (select coalesce(string_agg(m, ', '), 'none') from unnest(actual) m where m <> all (expected));`,
      '  end if;',
      ...taken.map(
        ([column, value, what]) =>
          `  if exists (select 1 from ${quoteIdent(rootTable)} where ${quoteIdent(column!)} = ${quoteLiteral(value!)}) then\n` +
          `    raise exception 'sfa tenant dump: a tenant with ${what} (%) is already in this database', ${quoteLiteral(value!)};\n  end if;`,
      ),
      'end',
    ].join('\n'),
  );
}

/**
 * User triggers stay off while loading: they would recompute what the dump already holds (a done
 * visit's unit is stamped from its rep's unit *now*, not when it was done). Only triggers that are
 * on are turned off, and they are turned on again before commit; the table locks this takes keep
 * other sessions from writing to those tables meanwhile. Foreign-key checks stay on.
 */
function disableTriggers(plan: TenantDumpPlan): string {
  const tables = plan.tables.map((t) => quoteLiteral(quoteIdent(t.table))).join(', ');
  return [
    `create temp table sfa_dump_triggers on commit drop as`,
    `  select tgrelid::regclass::text as tbl, tgname::text as name from pg_trigger`,
    `   where not tgisinternal and tgenabled <> 'D' and tgrelid = any (array[${tables}]::regclass[]);`,
    doBlock(`declare r record;\nbegin\n  for r in select * from sfa_dump_triggers loop execute format('alter table %s disable trigger %I', r.tbl, r.name); end loop;\nend`),
  ].join('\n');
}

/** The SELECT whose rows are the table's COPY block. */
export function exportQuery(plan: TenantDumpPlan, t: TableDump, tenantId: string): string {
  const deferred = new Set(t.deferred.flatMap((k) => k.columns));
  const columns = t.columns.map((c) => (deferred.has(c) ? `null as ${quoteIdent(c)}` : quoteIdent(c))).join(', ');
  // Renumbered rows keep their order: the outbox relay reads "the newest row" by id.
  const order = t.renumberable ? ` order by ${quoteIdent(t.renumberable)}` : '';
  return `select ${columns} from ${quoteIdent(t.table)} where ${tenantRowsWhere(plan, t.table, tenantId)}${order}`;
}

/** What comes before a table's rows: its COPY, into a staging table when its ids must be renumbered. */
export function tableHead(t: TableDump, range: { min: string; max: string } | undefined): string {
  const copy = (into: string) => `COPY ${into} (${identList(t.columns)}) FROM stdin;\n`;
  if (!t.renumberable || !range) return copy(quoteIdent(t.table));
  const table = quoteIdent(t.table);
  return [
    `select exists (select 1 from ${table} where ${quoteIdent(t.renumberable)} between ${range.min} and ${range.max}) as sfa_dump_renumber \\gset`,
    '\\if :sfa_dump_renumber',
    `\\echo 'sfa: ${t.table}: this database already uses some of the dump''s ids; its rows get new ones'`,
    `create temp table sfa_dump_stage on commit drop as select * from ${table} with no data;`,
    '\\set sfa_dump_into sfa_dump_stage',
    '\\else',
    `\\set sfa_dump_into ${t.table}`,
    '\\endif',
    copy(':"sfa_dump_into"'),
  ].join('\n');
}

export function tableTail(t: TableDump, range: { min: string; max: string } | undefined): string {
  if (!t.renumberable || !range) return '\\.\n';
  const rest = identList(t.columns.filter((c) => c !== t.renumberable));
  return [
    '\\.',
    '\\if :sfa_dump_renumber',
    `insert into ${quoteIdent(t.table)} (${rest}) select ${rest} from sfa_dump_stage order by ${quoteIdent(t.renumberable)};`,
    'drop table sfa_dump_stage;',
    '\\endif',
    '',
  ].join('\n');
}

/** A deferred foreign key: the table's key and the deferred columns of its rows that have them. */
export function deferredQuery(plan: TenantDumpPlan, t: TableDump, index: number, tenantId: string): { head: string; query: string; tail: string } {
  const k = t.deferred[index]!;
  const stage = `sfa_dump_fix_${index}`;
  const table = quoteIdent(t.table);
  const columns = identList([...t.primaryKey, ...k.columns]);
  const match = t.primaryKey.map((c) => `t.${quoteIdent(c)} = f.${quoteIdent(c)}`).join(' and ');
  return {
    head: `create temp table ${stage} on commit drop as select ${columns} from ${table} with no data;\nCOPY ${stage} (${columns}) FROM stdin;\n`,
    query: `select ${columns} from ${table} where (${tenantRowsWhere(plan, t.table, tenantId)}) and (${k.columns.map((c) => `${quoteIdent(c)} is not null`).join(' or ')})`,
    tail: `\\.\nupdate ${table} t set ${k.columns.map((c) => `${quoteIdent(c)} = f.${quoteIdent(c)}`).join(', ')} from ${stage} f where ${match};\ndrop table ${stage};\n`,
  };
}

/** Triggers back on, sequences past the loaded ids, every count checked, then commit. */
export function epilogue(plan: TenantDumpPlan, tenantId: string, trailer: DumpTrailer): string {
  const enable = doBlock(`declare r record;\nbegin\n  for r in select * from sfa_dump_triggers loop execute format('alter table %s enable trigger %I', r.tbl, r.name); end loop;\nend`);
  const sequences = plan.tables.flatMap((t) =>
    t.sequenceColumns.map((c) => {
      const seq = `pg_get_serial_sequence(${quoteLiteral(quoteIdent(t.table))}, ${quoteLiteral(c)})`;
      return `  select max(${quoteIdent(c)}) into m from ${quoteIdent(t.table)};\n  if m is not null then perform setval(${seq}::regclass, greatest(m, coalesce(pg_sequence_last_value(${seq}::regclass), 0))); end if;`;
    }),
  );
  const counts = plan.tables.map((t) => {
    const expected = trailer.rows[t.table] ?? 0;
    return (
      `  select count(*) into n from ${quoteIdent(t.table)} where ${tenantRowsWhere(plan, t.table, tenantId)};\n` +
      `  if n <> ${expected} then raise exception 'sfa tenant dump: % holds % of the tenant''s rows after the load, the dump has %', ${quoteLiteral(t.table)}, n, ${expected}; end if;`
    );
  });
  return [
    enable,
    sequences.length ? doBlock(`declare m bigint;\nbegin\n${sequences.join('\n')}\nend`) : '',
    doBlock(`declare n bigint;\nbegin\n${counts.join('\n')}\nend`),
    'commit;',
    `${trailerMarker}${JSON.stringify(trailer)}`,
    '',
  ].join('\n');
}

/** The header of a dump, from its first lines; undefined when these are not an SFA tenant dump's. */
export function parseHeader(firstLines: string[]): DumpHeader | undefined {
  for (const line of firstLines) {
    if (line === endOfHeader) return undefined;
    if (line.startsWith(headerMarker)) {
      const header = JSON.parse(line.slice(headerMarker.length)) as DumpHeader;
      if (header.format !== dumpFormat) throw new Error(`this dump is format ${header.format}; this sfa reads format ${dumpFormat}`);
      return header;
    }
  }
  return undefined;
}

export function parseTrailer(line: string): DumpTrailer | undefined {
  return line.startsWith(trailerMarker) ? (JSON.parse(line.slice(trailerMarker.length)) as DumpTrailer) : undefined;
}
