import fs from 'node:fs';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { MikroORM } from '../orm';
import { parseHeader, parseTrailer, type DumpHeader, type DumpTrailer } from './dump-script';
import { psqlTarget, runScript } from './psql';
import { quoteIdent } from './tenant-dump-plan';

export type ImportSummary = { header: DumpHeader; trailer: DumpTrailer; notes: string[]; ms: number };

/** The dump cannot go into this database; nothing was written. */
export class DumpRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpRefused';
  }
}

const decompressed = (file: string) => fs.createReadStream(file).pipe(createGunzip());

/** Reads the header from the start of a dump without decompressing the rest. */
export async function readDumpHeader(file: string): Promise<DumpHeader> {
  if (!fs.existsSync(file)) throw new DumpRefused(`${file}: no such file`);
  const stream = decompressed(file);
  // Whole characters only: the tenant's name in the header may be Chinese, split across chunks.
  stream.setEncoding('utf8');
  let text = '';
  try {
    for await (const chunk of stream) {
      text += chunk;
      if (text.includes('\n-- end of header') || text.length > 1 << 20) break;
    }
  } catch (err) {
    throw new DumpRefused(`${file} is not a gzip'd SFA tenant dump (${(err as Error).message})`);
  } finally {
    stream.destroy();
  }
  const header = parseHeader(text.split('\n'));
  if (!header) throw new DumpRefused(`${file} is not an SFA tenant dump (no sfa-tenant-dump header)`);
  return header;
}

/**
 * A database behind the dump (a fresh one, or one at an older release) is migrated up to exactly
 * the dump's migrations, when this release has them all; a newer service then applies the rest
 * when it starts. A database ahead of the dump, or off its line, is left alone (and refused).
 */
async function migrateToDump(orm: MikroORM, header: DumpHeader): Promise<string[]> {
  const migrator = orm.getMigrator();
  const executed = (await migrator.getExecutedMigrations()).map((m) => m.name);
  const pending = new Set((await migrator.getPendingMigrations()).map((m) => m.name));
  const needed = header.migrations.filter((m) => !executed.includes(m)).sort();
  if (needed.length === 0 || !executed.every((m) => header.migrations.includes(m)) || !needed.every((m) => pending.has(m))) return [];
  await migrator.up({ migrations: needed });
  return needed;
}

/** What stands in the way, in words; the script's own guard checks the same again inside its transaction. */
async function refusals(orm: MikroORM, header: DumpHeader): Promise<string[]> {
  const db = orm.em.fork().getConnection();
  const applied = (await db.execute<Array<{ name: string }>>(`select name from ${quoteIdent(header.migrationsTable)}`)).map((m) => m.name);
  const problems: string[] = [];
  const missingHere = header.migrations.filter((m) => !applied.includes(m));
  const notInDump = applied.filter((m) => !header.migrations.includes(m));
  if (missingHere.length || notInDump.length) {
    problems.push(
      `this database is at other migrations than the dump: ${[
        missingHere.length ? `missing here: ${missingHere.join(', ')}` : '',
        notInDump.length ? `not in the dump: ${notInDump.join(', ')}` : '',
      ].filter(Boolean).join('; ')}`,
      '  import it with the release that made it (into a database at its migrations), then start this release, which migrates on start',
    );
  }
  const t = header.tenant;
  const [taken] = await db.execute<Array<{ id: string; slug: string; slack_team_id: string | null; teams_tenant_id: string | null }>>(
    `select id, slug, slack_team_id, teams_tenant_id from tenants where id = ? or slug = ? or slack_team_id = ? or teams_tenant_id = ? limit 1`,
    [t.id, t.slug, t.slackTeamId ?? '', t.teamsTenantId ?? ''],
  );
  if (taken) {
    const why = taken.id === t.id ? 'its id' : taken.slug === t.slug ? 'its slug' : taken.slack_team_id === t.slackTeamId ? `its Slack workspace ${t.slackTeamId}` : `its Teams tenant ${t.teamsTenantId}`;
    problems.push(`tenant ${t.slug} cannot be imported here: tenant ${taken.slug} already has ${why}`);
  }
  return problems;
}

/** Keeps the end of what passes through: the trailer is the dump's last line. */
function tailKeeper(): { stream: Transform; tail: () => string } {
  let tail = '';
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      tail = (tail + chunk.toString('utf8')).slice(-65_536);
      done(null, chunk);
    },
  });
  return { stream, tail: () => tail };
}

/**
 * Loads a tenant dump into this database in one transaction (psql runs the dump's own script,
 * which checks the migrations and the tenant again, loads, checks every count and commits).
 */
export async function importTenant(orm: MikroORM, file: string): Promise<ImportSummary> {
  const started = Date.now();
  const header = await readDumpHeader(file);
  const migrated = await migrateToDump(orm, header);
  const problems = await refusals(orm, header);
  if (problems.length) throw new DumpRefused(problems.join('\n'));
  const keeper = tailKeeper();
  const source = decompressed(file);
  // A read error anywhere in the chain ends the load before `commit`.
  source.once('error', (err) => keeper.stream.destroy(err));
  const { stdout } = await runScript(psqlTarget(orm.config.get('clientUrl')!), source.pipe(keeper.stream));
  const trailer = keeper.tail().split('\n').map(parseTrailer).find((t) => t !== undefined);
  if (!trailer) {
    const [there] = await orm.em.fork().getConnection().execute<Array<{ id: string }>>(`select id from tenants where id = ?`, [header.tenant.id]);
    if (!there) throw new DumpRefused(`${file} ends early (no end marker): the load was rolled back, nothing was imported`);
  }
  const notes = stdout.split('\n').filter((l) => l.startsWith('sfa: ')).map((l) => l.slice(5));
  if (migrated.length) notes.unshift(`applied ${migrated.length} migration${migrated.length === 1 ? '' : 's'} first, up to the dump's last (${migrated.at(-1)}); the service applies any newer ones when it starts`);
  return { header, trailer: trailer ?? { rows: {}, finishedAt: '' }, notes, ms: Date.now() - started };
}
