import { migrate } from '../db/orm';
import type { CommandContext } from './context';

export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const applied = await migrate(ctx.orm);
  if (applied.length === 0) ctx.out('database is up to date: no pending migrations');
  else {
    applied.forEach((name) => ctx.out(`applied ${name}`));
    ctx.out(`${applied.length} migration${applied.length === 1 ? '' : 's'} applied`);
  }
  return 0;
}
