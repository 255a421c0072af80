import { DateTime } from 'luxon';
import { Opportunity } from '../../../src/domain/opportunities/opportunity.entity';
import { subscribeReport } from '../../../src/domain/report-subscriptions/subscribe-report';
import { reportTickJob } from '../../../src/jobs/report-tick.job';
import { makeUnit } from '../../support/factories';
import { startJobsWorld, type JobsWorld } from './jobs-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); }, 60_000);
afterAll(async () => { await world.stop(); });
afterEach(async () => { await world.stopWorkers(); });

const shanghai = 'Asia/Shanghai';
// Monday 30 November 2026 in Shanghai.
const mondayAt = (time: string) => DateTime.fromISO(`2026-11-30T${time}`, { zone: shanghai }).toJSDate();

test('a subscribed channel gets last week\'s report on Monday at its local time, once; managers get theirs by DM', async () => {
  const unit = await makeUnit(world.em(), world.tenant, 'Sales/Shanghai');
  const manager = await world.person({ role: 'manager', unit, manages: true, timezone: shanghai, name: 'Li' });
  const rep = await world.person({ unit, timezone: shanghai, name: 'Amy' });
  const other = await world.person({ role: 'manager', timezone: 'America/New_York', name: 'Ny Manager' });
  const em = world.em();
  // Won on Sunday 29 Nov 23:30 Shanghai: last week for a Monday report there.
  const wonAt = DateTime.fromISO('2026-11-29T23:30', { zone: shanghai }).toJSDate();
  em.create(Opportunity, { tenantId: world.tenant.id, customerId: rep.customer.id, ownerId: rep.user.id, title: 'Late Sunday win', amount: '8000.00', currency: 'USD', stage: 'won', probability: 100, closedAt: wonAt, stageChangedAt: wonAt } as Opportunity);
  await em.flush();
  await subscribeReport(world.em(), manager.actor, { platform: 'slack', channelId: 'CSHANGHAI', period: 'weekly', localTime: '09:00' });

  // 08:55: nothing yet.
  let now = mondayAt('08:55');
  const worker = await world.startWorker({ now: () => now });
  await worker.queues.add(reportTickJob, { manual: 'early' });
  await new Promise((r) => setTimeout(r, 1500));
  expect(world.fake.files).toHaveLength(0);

  now = mondayAt('09:05');
  await worker.queues.add(reportTickJob, { manual: 'on-time' });
  await world.until(() => world.fake.files.some((f) => f.channel_id === 'CSHANGHAI'), 'the channel report', 20_000);
  const posted = world.fake.files.find((f) => f.channel_id === 'CSHANGHAI')!;
  expect(posted.initial_comment).toContain('8,000');
  // The manager subscribed a channel to a weekly report: no default DM as well. The New York
  // manager's Monday 09:00 has not come (it is Sunday evening there).
  expect(world.fake.files.filter((f) => f.channel_id !== 'CSHANGHAI')).toHaveLength(0);

  now = mondayAt('10:30');
  await worker.queues.add(reportTickJob, { manual: 'again' });
  await new Promise((r) => setTimeout(r, 2000));
  // One post: three charts shared together.
  expect(world.fake.files.filter((f) => f.channel_id === 'CSHANGHAI').map((f) => f.filename.split('-')[0])).toEqual(['revenue', 'trend', 'pipeline']);
  void other;
});

test('by default each manager gets a weekly team report by DM at Monday 09:00 in their time zone', async () => {
  const manager = await world.person({ role: 'manager', timezone: 'Europe/Berlin', name: 'Berlin Manager' });
  const now = DateTime.fromISO('2026-11-30T09:01', { zone: 'Europe/Berlin' }).toJSDate();
  const worker = await world.startWorker({ now: () => now });
  await worker.queues.add(reportTickJob, { manual: 'berlin' });
  await world.until(() => world.fake.files.some((f) => f.channel_id === manager.dmChannel), 'the manager DM report', 20_000);
});
