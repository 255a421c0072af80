import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { migrate, openOrm, type MikroORM } from '../../src/db/orm';

export const baseDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = { orm: MikroORM; url: string; em: () => EntityManager; drop: () => Promise<void> };

/** A fresh, migrated database for one test file; `drop` removes it and closes every connection. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sfa_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${name}`;
  const orm = await openOrm(url.toString());
  await migrate(orm);
  return {
    orm,
    url: url.toString(),
    em: () => orm.em.fork(),
    drop: async () => {
      await orm.close(true);
      const admin = await openOrm(baseDatabaseUrl);
      await admin.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
      await admin.close(true);
    },
  };
}
