import { listFailedDeliveries } from '../../../src/domain/deliveries/list-failed-deliveries';
import { planVisit } from '../../../src/domain/activities/plan-visit';
import { failedDeliveriesCard } from '../../../src/cards/presenters/failed-deliveries-card';
import { translator } from '../../../src/cards/i18n/i18n';
import { renderCardBlocks } from '../../../src/cards/slack';
import { checkBlockKitLimits } from '../../support/fake-slack';
import { sleep, startJobsWorld, type JobsWorld } from './jobs-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); });
afterAll(async () => { await world?.stop(); });
afterEach(async () => { await world.stopWorkers(); world.fake.reset(); });

const inSeconds = (s: number) => new Date(Date.now() + s * 1000);
const keyOf = (call: { args: Record<string, any> }) => call.args.metadata?.event_payload?.key as string; // eslint-disable-line @typescript-eslint/no-explicit-any

test('two workers on the same queues: every reminder exactly once, about one per second per channel', async () => {
  await world.startWorker();
  await world.startWorker();
  const reps = await Promise.all([0, 1, 2, 3].map(() => world.person({ lead: 1 })));
  const visits = [];
  const firstDue = new Map<string, number>();
  for (const rep of reps) {
    for (let i = 0; i < 4; i++) {
      const visit = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(63) });
      visits.push(visit);
      // Reminders are due the lead time (1 minute) before the visit.
      if (i === 0) firstDue.set(rep.dmChannel, visit.scheduledAt!.getTime() - 60_000);
    }
  }
  await world.until(() => world.posted().length >= visits.length, `${visits.length} reminders`, 20_000);
  await sleep(1500);
  const keys = world.posted().map(keyOf);
  expect(keys).toHaveLength(visits.length);
  expect(new Set(keys).size).toBe(visits.length);
  for (const rep of reps) {
    const times = world.dms(rep.dmChannel).map((c) => c.at.getTime());
    expect(times).toHaveLength(4);
    // Four reminders due at the same moment in one DM are spread out, not burst: the pacer gives
    // each its own slot a second apart, and never lets two go closer than half a second. The
    // first slot is no earlier than the due time, so the fourth cannot leave before due + 3 s —
    // however late a loaded machine sent the first (which shortens the span between sends).
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
    expect(times.at(-1)! - firstDue.get(rep.dmChannel)!).toBeGreaterThanOrEqual(3000);
  }
  const deliveries = await world.deliveries();
  expect(deliveries.filter((d) => d.status === 'sent')).toHaveLength(visits.length);
});

test('a 429 with Retry-After holds the workspace for every worker: nothing goes to Slack until it passes, then each reminder once', async () => {
  // Two workers: the one that got the 429 is not the only one that could send the next message.
  await world.startWorker();
  await world.startWorker();
  const reps = await Promise.all([0, 1, 2, 3].map(() => world.person({ lead: 1 })));
  world.fake.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
  const due = inSeconds(61);
  for (const rep of reps) await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: due });
  for (const rep of reps) await world.fake.waitFor('chat.postMessage', (c) => c.ok && c.args.channel === rep.dmChannel, 15_000);
  const calls = world.fake.callsTo('chat.postMessage').filter((c) => reps.some((r) => r.dmChannel === c.args.channel));
  const limited = calls.find((c) => c.status === 429)!;
  expect(limited).toBeDefined();
  // Requests already on their way when Slack answered 429 may land just after it; from then on,
  // nothing reached Slack from either worker until the Retry-After had passed.
  const sinceLimited = calls.filter((c) => c.seq > limited.seq).map((c) => c.at.getTime() - limited.at.getTime());
  expect(sinceLimited.filter((ms) => ms > 250 && ms < 1900)).toEqual([]);
  expect(sinceLimited.filter((ms) => ms >= 1900).length).toBeGreaterThanOrEqual(1);
  await sleep(500);
  for (const rep of reps) expect(world.dms(rep.dmChannel)).toHaveLength(1);
  await world.until(async () => (await world.deliveries()).filter((d) => reps.some((r) => r.user.id === d.userId) && d.status === 'sent').length === reps.length, 'all sent');
});

test('a transient failure is retried with backoff; the retry checks Slack for a copy first and posts once', async () => {
  await world.startWorker();
  const rep = await world.person({ lead: 1 });
  world.fake.failNext('chat.postMessage', { status: 503, body: 'upstream unavailable' });
  await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(61) });
  await world.fake.waitFor('chat.postMessage', (c) => c.ok && c.args.channel === rep.dmChannel, 15_000);
  const attempts = world.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === rep.dmChannel);
  expect(attempts.map((c) => c.status)).toEqual([503, 200]);
  // The 503 left the outcome uncertain: the retry looked at the DM history before posting.
  expect(world.fake.callsTo('conversations.history').some((c) => c.args.channel === rep.dmChannel)).toBe(true);
  await world.until(async () => (await world.deliveries()).some((d) => d.userId === rep.user.id && d.status === 'sent' && d.attempts === 2), 'sent on the second attempt');
});

test('a permanent Slack error is dead-lettered at once and listed for admins only', async () => {
  await world.startWorker();
  const admin = await world.person({ role: 'admin', timezone: 'Asia/Shanghai' });
  const rep = await world.person({ lead: 1, name: 'Gone Person' });
  world.fake.failNext('chat.postMessage', { error: 'account_inactive' });
  await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(61) });
  await world.until(async () => (await world.deliveries()).some((d) => d.userId === rep.user.id && d.status === 'dead'), 'the dead letter');
  await sleep(3000);
  // Not retried.
  expect(world.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === rep.dmChannel)).toHaveLength(1);

  const failed = await listFailedDeliveries(world.em(), admin.actor);
  expect(failed.total).toBe(1);
  expect(failed.items[0]).toMatchObject({ kind: 'visit_reminder', userName: 'Gone Person', error: 'account_inactive', channel: rep.dmChannel });
  await expect(listFailedDeliveries(world.em(), rep.actor)).rejects.toMatchObject({ code: 'forbidden' });

  const card = failedDeliveriesCard(failed, { t: translator('en'), user: admin.user });
  const text = JSON.stringify(card);
  expect(text).toContain('Failed deliveries (1)');
  expect(text).toContain('Gone Person');
  expect(text).toContain('account_inactive');
  expect(checkBlockKitLimits(renderCardBlocks(card))).toEqual([]);
});

test('a user who left Slack (conversations.open says user_not_found) is dead-lettered without a post', async () => {
  await world.startWorker();
  const rep = await world.person({ lead: 1 });
  world.fake.failNext('conversations.open', { error: 'user_not_found' });
  await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(61) });
  await world.until(async () => (await world.deliveries()).some((d) => d.userId === rep.user.id && d.status === 'dead' && d.error === 'user_not_found'), 'the dead letter');
  expect(world.fake.callsTo('chat.postMessage')).toHaveLength(0);
});
