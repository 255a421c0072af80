import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { seedDemo } from '../../../src/cli/seed-demo.command';
import { parseTrailer } from '../../../src/db/backup/dump-script';
import { psqlTarget } from '../../../src/db/backup/psql';
import { migrate, openOrm, type MikroORM } from '../../../src/db/orm';
import { SecretBox } from '../../../src/db/secret-box';
import { createSource, databaseUrl, dropDatabase, dumpPlan, encryptionKey, filledTables, fingerprints, removeTmpFiles, sfa, tmpFile, type Source } from './backup-world';

let source: Source;
let dump: string;
const databases: string[] = [];

beforeAll(async () => {
  source = await createSource();
  dump = tmpFile('demo.sql.gz');
}, 120_000);

afterAll(async () => {
  for (const name of databases) await dropDatabase(name);
  await source?.db.drop();
  removeTmpFiles();
});

/** A database of its own for one test, dropped at the end. */
async function newDatabase(tag: string, opts: { migrated?: boolean } = {}): Promise<{ url: string; orm: MikroORM }> {
  const { url, name } = databaseUrl(tag);
  databases.push(name);
  const orm = await openOrm(url);
  if (opts.migrated) await migrate(orm);
  return { url, orm };
}

/** The COPY blocks of a dump: table → [column names, rows as arrays of fields]. */
function copyBlocks(text: string): Map<string, { columns: string[]; rows: string[][] }> {
  const blocks = new Map<string, { columns: string[]; rows: string[][] }>();
  let into: string | undefined;
  let current: { columns: string[]; rows: string[][] } | undefined;
  for (const line of text.split('\n')) {
    if (current) {
      if (line === '\\.') current = undefined;
      else current.rows.push(line.split('\t'));
      continue;
    }
    const set = /^\\set sfa_dump_into (\S+)$/.exec(line);
    if (set && set[1] !== 'sfa_dump_stage') into = set[1];
    const copy = /^COPY (\S+) \((.*)\) FROM stdin;$/.exec(line);
    if (copy) {
      const name = copy[1] === ':"sfa_dump_into"' ? into! : copy[1]!.replace(/"/g, '');
      current = { columns: copy[2]!.split(', ').map((c) => c.replace(/"/g, '')), rows: [] };
      blocks.set(name, current);
    }
  }
  return blocks;
}

const tenantCount = async (orm: MikroORM) => Number((await orm.em.fork().getConnection().execute<Array<{ n: string }>>(`select count(*) as n from tenants`))[0]!.n);

const psqlAlone = (url: string, file: string) => spawnSync('sh', ['-c', `gunzip -c '${file}' | psql -X -q -d '${url}'`], { encoding: 'utf8' });

test("the export holds every row of the demo tenant in every tenant table, and none of the other tenant's", async () => {
  const res = await sfa(source.db.url, 'tenant', 'export', 'demo', '--out', dump);
  expect(res.err).toEqual([]);
  expect(res.code).toBe(0);
  expect(res.out[0]).toMatch(/^tenant demo exported to .*demo\.sql\.gz \(\d+\.\d KB, \d+ rows in \d+ tables, \d+\.\d s\)$/);

  const text = gunzipSync(fs.readFileSync(dump)).toString('utf8');
  const blocks = copyBlocks(text);
  const want = await fingerprints(source.db.orm, source.plan, source.demo.id);
  // The fixture has rows of both tenants in every table it knows: each comparison below means something.
  for (const table of filledTables) expect({ table, rows: want[table]!.rows > 0 }).toEqual({ table, rows: true });
  for (const t of source.plan.tables) expect({ table: t.table, rows: blocks.get(t.table)?.rows.length }).toEqual({ table: t.table, rows: want[t.table]!.rows });
  expect(parseTrailer(text.trimEnd().split('\n').at(-1)!)!.rows).toEqual(Object.fromEntries(Object.entries(want).map(([t, f]) => [t, f.rows])));

  // Every row names the demo tenant (or hangs off one that does); the other tenant appears nowhere.
  for (const [table, block] of blocks) {
    const at = block.columns.indexOf('tenant_id');
    if (at >= 0 && block.rows.length > 0) expect({ table, tenants: [...new Set(block.rows.map((r) => r[at]))] }).toEqual({ table, tenants: [source.demo.id] });
  }
  const demoQuotes = new Set(blocks.get('quotes')!.rows.map((r) => r[0]));
  expect(blocks.get('quote_lines')!.rows.every((r) => demoQuotes.has(r[1]!))).toBe(true);
  expect(text).not.toContain(source.other.id);
  expect(text).not.toContain(source.other.teamId);
  // Slack tokens stay sealed: only ENCRYPTION_KEY opens them.
  expect(text).not.toContain('xoxb-demo-secret');
  const sealed = blocks.get('slack_installations')!.rows[0]![3]!;
  expect(JSON.parse(new SecretBox(encryptionKey).open(sealed)).bot.token).toBe('xoxb-demo-secret');
}, 60_000);

test('imported into a fresh database, every tenant table matches the source row by row, and holds nothing else', async () => {
  const target = await newDatabase('fresh');
  try {
    const res = await sfa(target.url, 'tenant', 'import', dump);
    expect(res.err).toEqual([]);
    expect(res.code).toBe(0);
    expect(res.out[0]).toMatch(/^tenant demo imported \(\d+ rows in \d+ tables, \d+\.\d s; dump made .*\)$/);
    // A database with no schema yet is migrated to the dump's migrations first.
    expect(res.out[1]).toMatch(/applied \d+ migrations first, up to the dump's last/);

    const plan = await dumpPlan(target.orm);
    expect(plan.tables.map((t) => t.table)).toEqual(source.plan.tables.map((t) => t.table));
    const want = await fingerprints(source.db.orm, source.plan, source.demo.id);
    expect(await fingerprints(target.orm, plan, source.demo.id)).toEqual(want);
    expect(await fingerprints(target.orm, plan, null)).toEqual(want);

    const db = target.orm.em.fork().getConnection();
    // Triggers are back on, and sequences are past the loaded ids (the next audit entry does not collide).
    expect(await db.execute(`select tgname, tgenabled from pg_trigger where not tgisinternal order by tgname`)).toEqual([
      { tgname: 'customers_track_owner', tgenabled: 'O' },
      { tgname: 'interactions_stamp_unit', tgenabled: 'O' },
      { tgname: 'opportunities_stamp_unit', tgenabled: 'O' },
    ]);
    const [{ id }] = await db.execute<Array<{ id: string }>>(`insert into audit_log (tenant_id, actor_label, action, entity_type, entity_id, at) values (?, 'test', 'after.restore', 'tenant', ?, now()) returning id`, [source.demo.id, source.demo.id]);
    const [{ max }] = await source.db.em().getConnection().execute<Array<{ max: string }>>(`select max(id) as max from audit_log where tenant_id = ?`, [source.demo.id]);
    expect(BigInt(id)).toBeGreaterThan(BigInt(max));
  } finally {
    await target.orm.close(true);
  }
}, 60_000);

test('a second import is refused and changes nothing, by sfa and by psql alone', async () => {
  const target = await newDatabase('twice');
  try {
    expect((await sfa(target.url, 'tenant', 'import', dump)).code).toBe(0);
    const before = await fingerprints(target.orm, source.plan, null);
    const again = await sfa(target.url, 'tenant', 'import', dump);
    expect(again.code).toBe(1);
    expect(again.err).toEqual(['tenant demo cannot be imported here: tenant demo already has its id']);
    const direct = psqlAlone(target.url, dump);
    expect(direct.status).toBe(3);
    expect(direct.stderr).toContain(`sfa tenant dump: a tenant with the same id (${source.demo.id}) is already in this database`);
    expect(await fingerprints(target.orm, source.plan, null)).toEqual(before);
  } finally {
    await target.orm.close(true);
  }
}, 60_000);

test('a database at other migrations, or without any, is refused before anything is written', async () => {
  const ahead = await newDatabase('ahead', { migrated: true });
  try {
    await ahead.orm.em.fork().getConnection().execute(`insert into mikro_orm_migrations (name, executed_at) values ('Migration29990101000000_later', now())`);
    const res = await sfa(ahead.url, 'tenant', 'import', dump);
    expect(res.code).toBe(1);
    expect(res.err[0]).toBe('this database is at other migrations than the dump: not in the dump: Migration29990101000000_later');
    const direct = psqlAlone(ahead.url, dump);
    expect(direct.status).toBe(3);
    expect(direct.stderr).toContain('this database is at other migrations than the dump (missing here: none; not in the dump: Migration29990101000000_later)');
    expect(await tenantCount(ahead.orm)).toBe(0);
  } finally {
    await ahead.orm.close(true);
  }
  // psql alone into a database nobody migrated: the guard says what to do.
  const bare = await newDatabase('bare');
  try {
    const direct = psqlAlone(bare.url, dump);
    expect(direct.status).toBe(3);
    expect(direct.stderr).toContain('this database has no migrations yet: run sfa migrate first');
  } finally {
    await bare.orm.close(true);
  }
}, 60_000);

test('into a database that already serves another tenant: the ids it uses are renumbered, everything else is as exported', async () => {
  const shared = await newDatabase('shared', { migrated: true });
  try {
    await seedDemo(shared.orm.em.fork(), { slug: 'acme' });
    const plan = await dumpPlan(shared.orm);
    const [{ id: acmeId }] = await shared.orm.em.fork().getConnection().execute<Array<{ id: string }>>(`select id from tenants where slug = 'acme'`);
    const acmeBefore = await fingerprints(shared.orm, plan, acmeId);

    const res = await sfa(shared.url, 'tenant', 'import', dump);
    expect(res.err).toEqual([]);
    expect(res.code).toBe(0);
    expect(res.out).toContain("  audit_log: this database already uses some of the dump's ids; its rows get new ones");
    const want = await fingerprints(source.db.orm, source.plan, source.demo.id, { audit_log: 'id' });
    expect(await fingerprints(shared.orm, plan, source.demo.id, { audit_log: 'id' })).toEqual(want);
    expect(await fingerprints(shared.orm, plan, acmeId)).toEqual(acmeBefore);
    // New rows still get fresh ids.
    await shared.orm.em.fork().getConnection().execute(`insert into audit_log (tenant_id, actor_label, action, entity_type, entity_id, at) values (?, 'test', 'x', 'tenant', ?, now())`, [acmeId, acmeId]);
  } finally {
    await shared.orm.close(true);
  }
}, 90_000);

test('a truncated or inconsistent dump imports nothing', async () => {
  const target = await newDatabase('broken', { migrated: true });
  try {
    const bytes = fs.readFileSync(dump);
    const truncated = tmpFile('truncated.sql.gz');
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const cut = await sfa(target.url, 'tenant', 'import', truncated);
    expect(cut.code).toBe(1);
    expect(cut.err.join('\n')).toMatch(/the dump could not be read: unexpected end of file; nothing was imported/);
    expect(await tenantCount(target.orm)).toBe(0);

    // One customer left out: their visits and deals point at nothing, and the database says no.
    const text = gunzipSync(bytes).toString('utf8');
    const customers = text.indexOf('\nCOPY "customers"');
    const firstRow = text.indexOf('\n', customers + 1) + 1;
    const orphaned = tmpFile('orphaned.sql.gz');
    fs.writeFileSync(orphaned, gzipSync(text.slice(0, firstRow) + text.slice(text.indexOf('\n', firstRow) + 1)));
    const broken = await sfa(target.url, 'tenant', 'import', orphaned);
    expect(broken.code).toBe(1);
    expect(broken.err.join('\n')).toMatch(/violates foreign key constraint/);
    expect(await tenantCount(target.orm)).toBe(0);
  } finally {
    await target.orm.close(true);
  }
}, 60_000);

test('export names the tenants when the slug is unknown, and leaves no file behind', async () => {
  const out = tmpFile('nobody.sql.gz');
  const res = await sfa(source.db.url, 'tenant', 'export', 'nobody', '--out', out);
  expect(res).toMatchObject({ code: 1, err: ['unknown tenant "nobody" (tenants: demo, other)'] });
  expect(fs.existsSync(out) || fs.existsSync(`${out}.partial`)).toBe(false);
});

test('psql gets the database URL without its password, which travels in PGPASSWORD', () => {
  const target = psqlTarget('postgres://sfa:p%40ss%3Aword@db.example.com:5432/sfa?sslmode=require', {});
  expect(target.args.slice(-2)).toEqual(['-d', 'postgres://sfa@db.example.com:5432/sfa?sslmode=require']);
  expect(target.env).toMatchObject({ PGPASSWORD: 'p@ss:word', PGCLIENTENCODING: 'UTF8' });
  expect(psqlTarget('postgres://postgres@127.0.0.1:5432/sfa', {}).env.PGPASSWORD).toBeUndefined();
});
