import { CommandIntake, UnknownWorkspace } from '../../../src/jobs/command-intake';
import type { QueuedCommand } from '../../../src/jobs/job-definition';
import { JobQueues } from '../../../src/jobs/queues';
import { createLogger } from '../../../src/logger';
import { makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

/** What happens to a command before it is acknowledged, when Redis does not answer. */
describe('command intake without Redis', () => {
  let db: TestDatabase;
  let queues: JobQueues;
  let tenantId: string;
  const options = { holdMs: 3000, redisWaitMs: 100, postgresWaitMs: 400, takeoverMs: 30_000 };
  const command = (key: string): QueuedCommand => ({ platform: 'slack', workspaceId: 'T1', key, command: 'visit' });
  const outbox = (key: string) => db.em().getConnection().execute(`select settled_at from outbox where topic = 'chat.command' and aggregate_id = ?`, [key]);

  beforeAll(async () => {
    db = await createTestDatabase();
    tenantId = (await makeTenant(db.em())).id;
    queues = new JobQueues('redis://127.0.0.1:1', 'intake-test', createLogger('silent'));
  });

  afterAll(async () => {
    await queues.close();
    await db.drop();
    // ioredis destroys a refused connection's socket 2 s after disconnect(), on a timer that holds the process.
    await new Promise((r) => setTimeout(r, 2100));
  });

  test('the command is kept in PostgreSQL, run here once acked, and settled', async () => {
    const ran: string[] = [];
    const intake = new CommandIntake(queues, db.orm, createLogger('silent'), async (c) => void ran.push(c.key), options);
    const release = await intake.submit(command('kept.1'), async () => tenantId);
    expect(await outbox('kept.1')).toEqual([{ settled_at: null }]);
    expect(ran).toEqual([]);
    release();
    for (let i = 0; i < 50 && !(await outbox('kept.1'))[0]?.settled_at; i++) await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual(['kept.1']);
    expect((await outbox('kept.1'))[0]?.settled_at).not.toBeNull();
  });

  test('a run here that fails leaves the command for a worker to take over', async () => {
    let failed!: () => void;
    const ranAndFailed = new Promise<void>((r) => (failed = r));
    const intake = new CommandIntake(queues, db.orm, createLogger('silent'), async () => (failed(), Promise.reject(new Error('web died mid-run'))), options);
    (await intake.submit(command('kept.2'), async () => tenantId))();
    await ranAndFailed;
    await new Promise((r) => setTimeout(r, 200));
    expect(await outbox('kept.2')).toEqual([{ settled_at: null }]);
  });

  test('PostgreSQL has one budget in all, and a command kept too late is still run (so the person is told it may have been taken)', async () => {
    const budget = { ...options, postgresWaitMs: 1000 };
    const intake = new CommandIntake(queues, db.orm, createLogger('silent'), async () => undefined, budget);
    const lock = await db.orm.em.getConnection().getKnex().transaction();
    await lock.raw('lock table outbox in access exclusive mode');
    const started = Date.now();
    const slowTenant = () => new Promise<string>((r) => setTimeout(() => r(tenantId), 700));
    await expect(intake.submit(command('slow.1'), slowTenant)).rejects.toThrow(/PostgreSQL did not answer within 1000 ms/);
    // Redis' wait and one PostgreSQL budget (about 1,100 ms), not a budget per query (100 + 700 + 1,000).
    expect(Date.now() - started).toBeLessThan(1500);
    await lock.rollback();
    for (let i = 0; i < 50 && !(await outbox('slow.1')).length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await outbox('slow.1')).toEqual([{ settled_at: null }]);
  });

  test('a workspace nobody installed is refused before anything is kept', async () => {
    const intake = new CommandIntake(queues, db.orm, createLogger('silent'), async () => undefined, options);
    await expect(intake.submit(command('stranger.1'), async () => null)).rejects.toBeInstanceOf(UnknownWorkspace);
    expect(await outbox('stranger.1')).toEqual([]);
  });
});
