// Writes a migration for the difference between the entities and a scratch database's schema.
// Usage: npx tsx scripts/new-migration.ts   (DATABASE_URL points at a scratch database)
import { openOrm, migrate } from '../src/db/orm';

async function main() {
  const orm = await openOrm(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/sfa_migrations');
  await migrate(orm);
  const result = await orm.getMigrator().createMigration(undefined, false, false);
  console.log(result.fileName ? `wrote ${result.fileName}` : 'no schema changes');
  await orm.close(true);
}
main().catch((err) => { console.error(err); process.exit(1); });
