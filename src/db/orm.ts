import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SlackInstallation } from '../bots/slack/slack-installation.entity';
import { entities } from '../domain/entities';

export type { MikroORM };

export function ormOptions(databaseUrl: string, poolMax = 10): Options {
  return {
    clientUrl: databaseUrl,
    // Domain entities plus the bots' own bookkeeping (installations, conversation references).
    entities: [...entities, SlackInstallation],
    extensions: [Migrator],
    // Each request or job forks its own EntityManager; the global one is never used for work.
    allowGlobalContext: false,
    debug: false,
    pool: { min: 0, max: poolMax },
    migrations: {
      path: path.join(__dirname, 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      emit: 'ts',
      snapshot: false,
      silent: true,
    },
  };
}

/** Opens the ORM, creating the database when it does not exist yet. */
export async function openOrm(databaseUrl: string, poolMax?: number): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, poolMax));
}

/** Any number: it only has to be the same in every process migrating this database. */
const migrationLockKey = 7_310_042_015;

type LockConnection = { query(sql: string, params: unknown[]): Promise<unknown> };

/**
 * Applies pending migrations. Several processes starting at once (replicas, a migration job beside
 * them) take turns on an advisory lock: the second finds nothing left to do instead of failing
 * on a half-created table.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const client = orm.em.getConnection().getKnex().client;
  const connection = (await client.acquireConnection()) as LockConnection;
  try {
    await connection.query('select pg_advisory_lock($1)', [migrationLockKey]);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await connection.query('select pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined);
    await client.releaseConnection(connection);
  }
}
