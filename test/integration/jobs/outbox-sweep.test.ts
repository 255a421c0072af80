import { randomBytes } from 'node:crypto';
import { systemClock } from '../../../src/jobs/clock';
import { OutboxRelay } from '../../../src/jobs/outbox-relay';
import { JobQueues } from '../../../src/jobs/queues';
import { createLogger } from '../../../src/logger';
import { makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

/**
 * After Redis came back empty every published reminder has lost its job: one sweep must find them
 * all, however many there are, not its first page.
 */
let db: TestDatabase;
let queues: JobQueues;
beforeAll(async () => {
  db = await createTestDatabase();
  queues = new JobQueues(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', `sfa-sweep-${randomBytes(4).toString('hex')}`, createLogger('silent'));
});
afterAll(async () => {
  await Promise.all(queues.all().map((q) => q.obliterate({ force: true }).catch(() => undefined)));
  await queues.close();
  await db.drop();
});

test('a sweep checks every published row whose job Redis lost, past its page size', async () => {
  const tenant = await makeTenant(db.orm.em.fork(), 'sweep');
  const rows = 2_345;
  // Published a while ago, due now, with job ids Redis has never seen.
  await db.orm.em.getConnection().execute(
    `insert into outbox (tenant_id, topic, aggregate_id, action, due_at, payload, job_id, created_at, published_at)
     select ?, 'visit-reminder', 'v' || g, 'schedule', now(), '{}'::jsonb, 'visit-reminder.lost.' || g, now() - interval '1 minute', now() - interval '1 minute'
       from generate_series(1, ?) g`,
    [tenant.id, rows],
  );
  const relay = new OutboxRelay(db.orm, queues, createLogger('silent'), { clock: systemClock, pollMs: 1000, sweepMs: 60_000 });
  const swept = await relay.sweepOnce();
  expect(swept.republished).toBe(rows);
  const [{ n }] = await db.orm.em.getConnection().execute(`select count(*)::int as n from outbox where published_at is null`);
  expect(n).toBe(rows);
  // A second sweep finds nothing more to do: the rows are the relay's again.
  expect(await relay.sweepOnce()).toEqual({ republished: 0, settled: 0 });
}, 60_000);
