import { DateTime } from 'luxon';
import { cancelVisit } from '../../../src/domain/activities/cancel-visit';
import { Interaction } from '../../../src/domain/activities/interaction.entity';
import { planVisit } from '../../../src/domain/activities/plan-visit';
import { recordOutcome } from '../../../src/domain/activities/record-outcome';
import { rescheduleVisit } from '../../../src/domain/activities/reschedule-visit';
import { setReminderLead } from '../../../src/domain/activities/set-reminder-lead';
import { OutboxMessage } from '../../../src/domain/outbox/outbox-message.entity';
import { clockAt } from '../../../src/jobs/clock';
import { buttonsOf, messageText, sleep, startJobsWorld, type JobsWorld } from './jobs-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); });
afterAll(async () => { await world?.stop(); });
afterEach(async () => { await world.stopWorkers(); });

const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

describe('visit reminders', () => {
  test('arrive at visit time minus the lead time, in the user’s language and time zone, with the visit’s buttons', async () => {
    await world.startWorker();
    const rep = await world.person({ locale: 'zh-CN', timezone: 'Asia/Shanghai', lead: 1 });
    // Due 4 s from now: one minute of lead before a visit 64 s away.
    const visit = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(64), place: '浦东办公室', purpose: '价格评审' });
    const dueAt = visit.scheduledAt!.getTime() - 60_000;

    const dm = await world.fake.waitFor('chat.postMessage', (c) => c.args.channel === rep.dmChannel, 10_000);
    expect(dm.at.getTime()).toBeGreaterThanOrEqual(dueAt - 50);
    expect(dm.at.getTime()).toBeLessThan(dueAt + 1500);
    const text = messageText(dm);
    expect(text).toContain('即将开始');
    expect(text).toContain(rep.customer.name);
    expect(text).toContain('浦东办公室');
    expect(text).toContain(DateTime.fromJSDate(visit.scheduledAt!, { zone: 'Asia/Shanghai' }).toFormat('HH:mm'));
    expect(buttonsOf(dm)).toEqual([
      { action: 'visit.log_outcome', value: visit.id },
      { action: 'visit.reschedule', value: visit.id },
      { action: 'visit.cancel', value: visit.id },
    ]);
    expect(world.fake.violations()).toEqual([]);
    await world.until(async () => (await world.deliveries()).some((d) => d.userId === rep.user.id && d.status === 'sent'), 'the delivery to be marked sent');
    const [delivery] = (await world.deliveries()).filter((d) => d.userId === rep.user.id);
    expect(delivery).toMatchObject({ status: 'sent', kind: 'visit_reminder', channel: rep.dmChannel, messageRef: dm.response.ts });
  });

  test('an English user in New York sees the New York time', async () => {
    await world.startWorker();
    const rep = await world.person({ locale: 'en', timezone: 'America/New_York', lead: 1 });
    const visit = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(62) });
    const dm = await world.fake.waitFor('chat.postMessage', (c) => c.args.channel === rep.dmChannel, 10_000);
    const text = messageText(dm);
    expect(text).toContain('Coming up');
    expect(text).toContain(DateTime.fromJSDate(visit.scheduledAt!, { zone: 'America/New_York' }).toFormat('HH:mm'));
  });

  test('a rescheduled visit is reminded once, at the new time; the old job is removed', async () => {
    await world.startWorker();
    const rep = await world.person({ lead: 1 });
    const visit = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(70) });
    await world.until(async () => (await world.em().findOneOrFail(OutboxMessage, { aggregateId: visit.id })).publishedAt != null, 'the first reminder to be queued');
    const first = await world.em().findOneOrFail(OutboxMessage, { aggregateId: visit.id });
    const moved = await rescheduleVisit(world.em(), rep.actor, visit.id, inSeconds(64));
    await world.until(async () => (await world.queueState(first.jobId!)) === 'unknown', 'the first job to be removed');

    await world.until(() => world.dms(rep.dmChannel).length > 0, 'the reminder', 10_000);
    const [dm] = world.dms(rep.dmChannel);
    expect(dm!.at.getTime()).toBeGreaterThanOrEqual(moved.scheduledAt!.getTime() - 60_000 - 50);
    expect(messageText(dm!)).toContain(DateTime.fromJSDate(moved.scheduledAt!, { zone: 'UTC' }).toFormat('HH:mm'));
    // Past the original due time: still exactly one.
    await sleep(Math.max(0, visit.scheduledAt!.getTime() - 60_000 - Date.now()) + 1000);
    expect(world.dms(rep.dmChannel)).toHaveLength(1);
  });

  test('a cancelled visit is not reminded and its job is removed', async () => {
    await world.startWorker();
    const rep = await world.person({ lead: 1 });
    const visit = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(64) });
    await world.until(async () => (await world.em().findOneOrFail(OutboxMessage, { aggregateId: visit.id })).publishedAt != null, 'the reminder to be queued');
    const row = await world.em().findOneOrFail(OutboxMessage, { aggregateId: visit.id });
    await cancelVisit(world.em(), rep.actor, visit.id);
    await world.until(async () => (await world.queueState(row.jobId!)) === 'unknown', 'the job to be removed');
    await sleep(Math.max(0, visit.scheduledAt!.getTime() - 60_000 - Date.now()) + 1000);
    expect(world.dms(rep.dmChannel)).toHaveLength(0);
  });

  test('a job that runs after its visit was changed behind its back does nothing', async () => {
    await world.startWorker();
    const rep = await world.person({ lead: 1 });
    const cancelled = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(63) });
    const moved = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(63) });
    await world.until(async () => (await world.outbox()).filter((r) => r.publishedAt).length >= 2, 'both reminders to be queued');
    // The race the handler guards against: the change commits, its outbox row is not relayed yet.
    const em = world.em();
    await em.nativeUpdate(Interaction, { id: cancelled.id }, { status: 'cancelled' });
    await em.nativeUpdate(Interaction, { id: moved.id }, { scheduledAt: inSeconds(600) });
    await sleep(Math.max(0, cancelled.scheduledAt!.getTime() - 60_000 - Date.now()) + 1500);
    expect(world.dms(rep.dmChannel)).toHaveLength(0);
    expect(await world.deliveries()).not.toContainEqual(expect.objectContaining({ userId: rep.user.id }));
  });

  test('a done visit is not reminded; its follow-up date becomes a reminder at 09:00 in the user’s time zone', async () => {
    const rep = await world.person({ timezone: 'Asia/Shanghai', lead: 1 });
    const visit = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(90) });
    const tomorrow = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 }).toISODate()!;
    await recordOutcome(world.em(), rep.actor, visit.id, { outcome: 'partly', nextStep: 'Send the revised quote', followUpDate: tomorrow });

    const rows = (await world.em().find(OutboxMessage, { aggregateId: visit.id }, { orderBy: { id: 'asc' } })).map((r) => [r.topic, r.action, r.dueAt?.toISOString() ?? null]);
    const nineAm = DateTime.fromISO(`${tomorrow}T09:00`, { zone: 'Asia/Shanghai' });
    expect(rows).toEqual([
      ['visit.reminder', 'schedule', expect.any(String)],
      ['visit.reminder', 'cancel', null],
      ['visit.follow_up', 'schedule', nineAm.toUTC().toISO()],
    ]);

    // A clock three seconds before 09:00 Shanghai tomorrow: the reminder comes three seconds later.
    const clock = clockAt(new Date(nineAm.toMillis() - 3000));
    const started = Date.now();
    await world.startWorker(clock);
    const dm = await world.fake.waitFor('chat.postMessage', (c) => c.args.channel === rep.dmChannel, 10_000);
    expect(dm.at.getTime() - started).toBeGreaterThanOrEqual(2500);
    expect(messageText(dm)).toContain('Follow up today');
    expect(messageText(dm)).toContain('Send the revised quote');
    expect(buttonsOf(dm).map((b) => b.action)).toEqual(['visit.log_for', 'visit.plan_for']);
    await sleep(500);
    expect(world.dms(rep.dmChannel)).toHaveLength(1);
  });

  test('changing the lead time moves the reminders of planned visits', async () => {
    await world.startWorker();
    const rep = await world.person({ lead: 30 });
    const visit = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(63) });
    // 30 minutes before a visit one minute away is now: due immediately.
    await world.until(() => world.dms(rep.dmChannel).length === 1, 'the immediate reminder');
    const second = await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(3600) });
    await setReminderLead(world.em(), rep.actor, 59);
    const latest = (await world.em().find(OutboxMessage, { aggregateId: second.id }, { orderBy: { id: 'desc' } }))[0]!;
    expect(latest.dueAt!.getTime()).toBe(second.scheduledAt!.getTime() - 59 * 60_000);
    expect(latest.payload).toMatchObject({ leadMinutes: 59 });
    expect(visit.id).toBeDefined();
    await expect(setReminderLead(world.em(), rep.actor, 1441)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(setReminderLead(world.em(), rep.actor, -1)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(setReminderLead(world.em(), rep.actor, 2.5)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
