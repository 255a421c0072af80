import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SlackInstallation } from '../bots/slack/slack-installation.entity';
import { entities } from '../domain/entities';

export type { MikroORM };

export function ormOptions(databaseUrl: string): Options {
  return {
    clientUrl: databaseUrl,
    // Domain entities plus the bots' own bookkeeping (installations, conversation references).
    entities: [...entities, SlackInstallation],
    extensions: [Migrator],
    // Each request or job forks its own EntityManager; the global one is never used for work.
    allowGlobalContext: false,
    debug: false,
    pool: { min: 0, max: 10 },
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
export async function openOrm(databaseUrl: string): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl));
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
