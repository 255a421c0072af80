import { DateTime } from 'luxon';
import { Opportunity } from '../../../src/domain/opportunities/opportunity.entity';
import { nudgeTickJob } from '../../../src/jobs/nudge-tick.job';
import { makeCustomer } from '../../support/factories';
import { startJobsWorld, type JobsWorld } from './jobs-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); }, 60_000);
afterAll(async () => { await world.stop(); });

test('on Monday at the nudge hour each owner hears of their customers going quiet, with lost-deal reasons, once', async () => {
  const rep = await world.person({ name: 'Amy', timezone: 'UTC' });
  const other = await world.person({ name: 'Bob', timezone: 'UTC' });
  const em = world.em();
  const old = DateTime.fromISO('2026-06-01T09:00', { zone: 'UTC' }).toJSDate();
  const quiet = await makeCustomer(em, world.tenant, rep.user, 'Sleepy Co');
  await em.getConnection().execute(`update customers set created_at = ?, last_interaction_at = ? where id in (?, ?, ?)`, [old, old, quiet.id, rep.customer.id, other.customer.id]);
  // Amy's default customer was just visited; Bob's has gone quiet too but is Bob's.
  await em.getConnection().execute(`update customers set last_interaction_at = now() where id = ?`, [rep.customer.id]);
  em.create(Opportunity, { tenantId: world.tenant.id, customerId: quiet.id, ownerId: rep.user.id, title: 'Lost one', amount: '100.00', currency: 'USD', stage: 'lost', probability: 0, closedAt: old, stageChangedAt: old, lostReason: 'went with a competitor' } as Opportunity);
  await em.flush();

  // The next Monday at 09:05 UTC (the tenant's nudge hour is 9).
  const monday = DateTime.utc().plus({ weeks: 1 }).startOf('week').set({ hour: 9, minute: 5 });
  const worker = await world.startWorker({ now: () => monday.toJSDate() });
  await worker.queues.add(nudgeTickJob, { hour: 'churn-1' });
  await world.until(() => world.dms(rep.dmChannel).some((c) => JSON.stringify(c.args).includes('Sleepy Co')), 'Amy\'s churn alert', 15_000);
  const alert = JSON.stringify(world.dms(rep.dmChannel).find((c) => JSON.stringify(c.args).includes('Sleepy Co'))!.args);
  expect(alert).toContain('went with a competitor');
  expect(alert).toContain('visit.plan_for');
  expect(alert).not.toContain(rep.customer.name);
  await world.until(() => world.dms(other.dmChannel).length > 0, 'Bob\'s churn alert', 15_000);
  expect(JSON.stringify(world.dms(other.dmChannel)[0]!.args)).not.toContain('Sleepy Co');

  await worker.queues.add(nudgeTickJob, { hour: 'churn-2' });
  await new Promise((r) => setTimeout(r, 2000));
  expect(world.dms(rep.dmChannel).filter((c) => JSON.stringify(c.args).includes('Sleepy Co'))).toHaveLength(1);
});
