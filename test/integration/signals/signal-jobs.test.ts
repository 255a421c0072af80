import { Opportunity } from '../../../src/domain/opportunities/opportunity.entity';
import { systemActor } from '../../../src/domain/shared/actor';
import { saveSignalRule } from '../../../src/domain/signals/save-signal-rule';
import type { SignalCustomerRef } from '../../../src/domain/signals/signal-event.entity';
import { SignalMatch } from '../../../src/domain/signals/signal-match.entity';
import { signalsSweepSchedulerId } from '../../../src/jobs/schedules';
import { signalsProcessJob, signalsSweepJob } from '../../../src/jobs/signals-process.job';
import { buttonsOf, messageText, sleep, startJobsWorld, type JobsWorld } from '../jobs/jobs-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); }, 60_000);
afterAll(async () => { await world.stop(); });

let seq = 0;
async function signal(ref: SignalCustomerRef, opts: { sku?: string; url?: string; at?: Date; receivedAt?: Date } = {}) {
  await world.em().getConnection().execute(
    `insert into signal_events (tenant_id, event_id, type, occurred_at, customer_ref, product_sku, url, received_at) values (?, ?, 'page_view', ?, ?::jsonb, ?, ?, ?)`,
    [world.tenant.id, `job-ev-${++seq}`, opts.at ?? new Date(), JSON.stringify(ref), opts.sku ?? null, opts.url ?? null, opts.receivedAt ?? new Date()],
  );
}
const pending = async () => Number((await world.em().getConnection().execute(`select count(*)::int as n from signal_events where tenant_id = ? and status = 'pending'`, [world.tenant.id]))[0].n);

test('the job processes the tenant’s signals and the owner gets one DM in Chinese, with plan visit, open deal and dismiss', async () => {
  const rep = await world.person({ name: '王芳', locale: 'zh-CN', timezone: 'Asia/Shanghai' });
  const em = world.em();
  await em.getConnection().execute(`update customers set name = '华鑫精密', external_id = 'HX-1' where id = ?`, [rep.customer.id]);
  await saveSignalRule(em, systemActor(world.tenant.id, 'test'), { name: '产品兴趣', eventType: 'page_view', minCount: 3, windowDays: 7, perProduct: true, scoreBump: 10 });
  const now = Date.now();
  for (const hoursAgo of [30, 20, 2]) await signal({ external_id: 'HX-1' }, { sku: 'SNS-100', url: '/products/sns-100', at: new Date(now - hoursAgo * 3600_000) });

  const worker = await world.startWorker();
  await worker.queues.add(signalsProcessJob, { tenantId: world.tenant.id, bucket: Math.floor(now / 1000) });
  await world.until(() => world.dms(rep.dmChannel).length > 0, 'the signal nudge', 15_000);
  const deal = await world.em().findOneOrFail(Opportunity, { customerId: rep.customer.id });
  const match = await world.em().findOneOrFail(SignalMatch, { customerId: rep.customer.id });
  expect(deal.title).toBe('信号：SNS-100 的 3 次页面浏览');

  const dm = world.dms(rep.dmChannel)[0]!;
  const text = messageText(dm);
  expect(text).toContain('购买信号：华鑫精密');
  expect(text).toContain('产品兴趣');
  expect(text).toContain('7 天内 3 次页面浏览');
  expect(text).toContain('SNS-100');
  expect(text).toContain('/products/sns-100');
  expect(text).toContain('已为你新建商机');
  expect(buttonsOf(dm)).toEqual([
    { action: 'visit.plan_for', value: rep.customer.id },
    { action: 'opp.open', value: deal.id },
    { action: 'signal.dismiss', value: match.id },
  ]);
  expect(world.fake.violations()).toEqual([]);

  // The same job again, and a later one: nothing is pending, nothing fires, no second DM.
  await worker.queues.add(signalsProcessJob, { tenantId: world.tenant.id, bucket: Math.floor(now / 1000) + 1 });
  await sleep(1500);
  expect(world.dms(rep.dmChannel)).toHaveLength(1);
  expect(await world.em().count(SignalMatch, { customerId: rep.customer.id })).toBe(1);
  expect((await world.deliveries()).filter((d) => d.kind === 'signal_nudge')).toHaveLength(1);
});

test('the sweep picks up signals whose job never came (older than 30 s), and the scheduler runs it every minute', async () => {
  const rep = await world.person({ name: 'Sam Sweep' });
  await world.em().getConnection().execute(`update customers set external_id = 'SW-1' where id = ?`, [rep.customer.id]);
  const worker = world.workers[0] ?? (await world.startWorker());
  // Just received: its own job is on its way, the sweep leaves it alone.
  await signal({ external_id: 'SW-1' });
  await worker.queues.add(signalsSweepJob, { minute: 'test-0' });
  await sleep(1500);
  expect(await pending()).toBe(1);
  // Received a minute ago and still pending: stranded. The sweep's job takes every pending event of the tenant.
  await signal({ external_id: 'nobody' }, { receivedAt: new Date(Date.now() - 60_000) });
  await worker.queues.add(signalsSweepJob, { minute: 'test-1' });
  await world.until(async () => (await pending()) === 0, 'the swept signals', 10_000);
  const statuses: Array<{ status: string }> = await world.em().getConnection().execute(`select status from signal_events where tenant_id = ? and event_id in (?, ?) order by id`, [world.tenant.id, `job-ev-${seq - 1}`, `job-ev-${seq}`]);
  expect(statuses.map((s) => s.status)).toEqual(['matched', 'unmatched']);
  expect(await worker.queues.queue('signals').getJobScheduler(signalsSweepSchedulerId)).toMatchObject({ pattern: '* * * * *', tz: 'UTC' });
});
