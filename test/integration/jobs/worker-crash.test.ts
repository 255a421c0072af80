import { planVisit } from '../../../src/domain/activities/plan-visit';
import { spawnWorker } from '../../support/spawn-worker';
import { sleep, startJobsWorld, type JobsWorld } from './jobs-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld({ env: { JOB_LOCK_MS: '2000' } }); });
afterAll(async () => { await world?.stop(); });
afterEach(() => world.fake.reset());

const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

test('killed after Slack took the message but before the answer: the next worker finds it and posts nothing', async () => {
  const rep = await world.person({ lead: 1 });
  const held = world.fake.holdNext('chat.postMessage');
  const first = await spawnWorker(world.env);
  const visit = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(62) });
  const posted = await held.arrived;
  first.child.kill('SIGKILL');
  expect(await first.exit).toBeNull();
  expect((await world.deliveries()).find((d) => d.userId === rep.user.id)).toMatchObject({ status: 'sending' });

  const second = await spawnWorker(world.env);
  try {
    await world.until(async () => (await world.deliveries()).some((d) => d.userId === rep.user.id && d.status === 'sent'), 'recovery', 20_000);
    await sleep(1000);
    expect(world.dms(rep.dmChannel)).toHaveLength(1);
    const [delivery] = (await world.deliveries()).filter((d) => d.userId === rep.user.id);
    expect(delivery).toMatchObject({ status: 'sent', messageRef: posted.response.ts, uncertain: true });
    expect(world.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(posted.args.metadata.event_payload.key).toBe(`visit-reminder.${visit.id}.${visit.scheduledAt!.getTime()}`);
  } finally {
    held.release();
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  }
}, 60_000);

test('killed before anything reached Slack: the next worker sends the reminder, once', async () => {
  const rep = await world.person({ lead: 1 });
  const held = world.fake.holdNext('conversations.open');
  const first = await spawnWorker(world.env);
  await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(62) });
  await held.arrived;
  first.child.kill('SIGKILL');
  await first.exit;
  held.release();

  const second = await spawnWorker(world.env);
  try {
    await world.until(() => world.dms(rep.dmChannel).length > 0, 'the reminder from the second worker', 20_000);
    await sleep(1500);
    expect(world.dms(rep.dmChannel)).toHaveLength(1);
  } finally {
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  }
}, 60_000);

test('SIGTERM lets the running job finish before the worker exits', async () => {
  const rep = await world.person({ lead: 1 });
  const held = world.fake.holdNext('chat.postMessage');
  const worker = await spawnWorker(world.env);
  await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(61) });
  await held.arrived;
  worker.child.kill('SIGTERM');
  // Still finishing the job: the process must not be gone yet.
  const early = await Promise.race([worker.exit, sleep(700).then(() => 'running')]);
  expect(early).toBe('running');
  held.release();
  expect(await worker.exit).toBe(0);
  expect((await world.deliveries()).find((d) => d.userId === rep.user.id)).toMatchObject({ status: 'sent' });
  expect(world.dms(rep.dmChannel)).toHaveLength(1);
}, 60_000);
