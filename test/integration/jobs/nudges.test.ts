import { DateTime } from 'luxon';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { createOpportunity } from '../../../src/domain/opportunities/create-opportunity';
import { listStalledOpportunities } from '../../../src/domain/opportunities/list-stalled-opportunities';
import { moveOpportunityStage } from '../../../src/domain/opportunities/move-opportunity-stage';
import { Opportunity, type Stage } from '../../../src/domain/opportunities/opportunity.entity';
import { snoozeOpportunity } from '../../../src/domain/opportunities/snooze-opportunity';
import { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { clockAt } from '../../../src/jobs/clock';
import { nudgeTickJob } from '../../../src/jobs/nudge-tick.job';
import { nudgeTickSchedulerId, reportTickSchedulerId, retentionSchedulerId } from '../../../src/jobs/schedules';
import { makeCustomer, makeTenant, makeUnit, makeUser } from '../../support/factories';
import { buttonsOf, messageText, sleep, startJobsWorld, type JobsWorld } from './jobs-world';

const day = 24 * 3600_000;
// Next Monday, 09:05 in Shanghai: the tenant's nudge hour on the day managers get their summary.
const monday = DateTime.now().setZone('Asia/Shanghai').startOf('week').plus({ weeks: 1 }).set({ hour: 9, minute: 5 });
const now = monday.toJSDate();
const ago = (days: number) => new Date(now.getTime() - days * day);
const dateIn = (days: number) => monday.plus({ days }).toISODate()!;

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); });
afterAll(async () => { await world?.stop(); });

type Person = Awaited<ReturnType<JobsWorld['person']>>;

async function deal(owner: Person, title: string, shape: { stage?: Stage; inStageDays?: number; close?: string | null; nextStep?: string | null; score?: number; ageDays?: number; quietDays?: number }) {
  const rating = shape.score != null ? shape.score / 20 : undefined;
  // A customer per deal: the customer's last interaction is part of the deal's story.
  const customer = await makeCustomer(world.em(), world.tenant, owner.user, `${title} Inc`);
  const o = await createOpportunity(world.em(), owner.actor, {
    customerId: customer.id,
    title,
    amount: '12000',
    expectedCloseDate: shape.close === undefined ? dateIn(30) : shape.close,
    nextStep: shape.nextStep === undefined ? 'Call the buyer' : shape.nextStep,
    scoreInputs: rating != null ? { urgency: rating, budget: rating, competition: rating, decisionMaker: rating, fit: rating } : undefined,
  });
  const em = world.em();
  await em.nativeUpdate(Opportunity, { id: o.id }, { stage: shape.stage ?? 'initial_contact', stageChangedAt: ago(shape.inStageDays ?? 1), createdAt: ago(shape.ageDays ?? 2) });
  await em.nativeUpdate(Customer, { id: customer.id }, { lastInteractionAt: ago(shape.quietDays ?? 1) });
  return o;
}

test('each rep gets one digest of their stalled deals, each manager one weekly summary; a second tick adds nothing', async () => {
  const em = world.em();
  await em.nativeUpdate(Tenant, { id: world.tenant.id }, { defaultTimezone: 'Asia/Shanghai', nudgeHour: 9 });
  const unit = await makeUnit(em, (await em.findOneOrFail(Tenant, { id: world.tenant.id })), 'Sales/East');
  const manager = await world.person({ role: 'manager', unit, manages: true, locale: 'zh-CN', timezone: 'Asia/Shanghai', name: '李伟' });
  const amy = await world.person({ unit, name: 'Amy Chen', timezone: 'Asia/Shanghai' });
  const bo = await world.person({ unit, name: 'Bo Wang', locale: 'zh-CN', timezone: 'Asia/Shanghai' });

  const stuck = await deal(amy, 'Stuck pilot', { inStageDays: 20 });
  const overdue = await deal(amy, 'Overdue renewal', { stage: 'quote', close: dateIn(-1) });
  const aimless = await deal(amy, 'Aimless upsell', { stage: 'solution', nextStep: null });
  const hot = await deal(amy, 'Hot but quiet', { score: 80, ageDays: 30, quietDays: 20 });
  await deal(amy, 'Healthy deal', { stage: 'negotiation', inStageDays: 3 });
  const snoozed = await deal(amy, 'Snoozed deal', { inStageDays: 40 });
  await snoozeOpportunity(world.em(), amy.actor, snoozed.id, 30);
  const won = await deal(amy, 'Won deal', { inStageDays: 40 });
  await moveOpportunityStage(world.em(), amy.actor, won.id, { to: 'won' });
  await deal(bo, 'Bo stalled', { stage: 'negotiation', inStageDays: 30 });
  await deal(manager, 'Manager own', { nextStep: null });

  // Another tenant, where it is still Sunday evening: nothing for it yet.
  const west = await makeTenant(world.em(), 'west-coast', { defaultTimezone: 'America/Los_Angeles' } as Partial<Tenant>);
  const far = await makeUser(world.em(), west, { slackUserId: 'UWEST0001' });
  const farCustomer = await makeCustomer(world.em(), west, far.user);
  await createOpportunity(world.em(), far.actor, { customerId: farCustomer.id, title: 'West stalled', amount: '1', nextStep: null });

  const worker = await world.startWorker(clockAt(now));
  await world.startWorker(clockAt(now));
  await worker.queues.add(nudgeTickJob, { hour: 'test-1' });
  await world.until(() => world.posted().length >= 4, 'three digests and one summary', 15_000);
  await sleep(1000);

  const amyDms = world.dms(amy.dmChannel);
  expect(amyDms).toHaveLength(1);
  const amyText = messageText(amyDms[0]!);
  expect(amyText).toContain('Deals that need you (4)');
  for (const title of ['Stuck pilot', 'Overdue renewal', 'Aimless upsell', 'Hot but quiet']) expect(amyText).toContain(title);
  for (const title of ['Healthy deal', 'Snoozed deal', 'Won deal', 'Bo stalled']) expect(amyText).not.toContain(title);
  expect(amyText).toContain('20 days in Initial contact (usual: 14)');
  expect(amyText).toContain('has passed');
  expect(amyText).toContain('no next step');
  expect(amyText).toContain('score 80, no activity for 20 days');
  const buttons = buttonsOf(amyDms[0]!);
  expect(buttons).toEqual(expect.arrayContaining([
    { action: 'nudge.advance', value: `${stuck.id}|initial_contact|solution` },
    { action: 'opp.snooze', value: `${stuck.id}|3` },
    { action: 'opp.snooze', value: `${stuck.id}|7` },
    { action: 'visit.log_for', value: stuck.customerId },
    { action: 'opp.open', value: stuck.id },
  ]));
  expect(buttons.filter((b) => b.action === 'opp.snooze')).toHaveLength(8);
  expect([overdue, aimless, hot].every((o) => buttons.some((b) => b.value === o.id))).toBe(true);

  expect(world.dms(bo.dmChannel)).toHaveLength(1);
  expect(messageText(world.dms(bo.dmChannel)[0]!)).toContain('需要你推进的商机（1）');

  const managerDms = world.dms(manager.dmChannel);
  expect(managerDms).toHaveLength(2);
  const summary = managerDms.map(messageText).find((t) => t.includes('团队停滞商机'))!;
  expect(summary).toContain('团队停滞商机（5）');
  expect(summary).toContain('Amy Chen · 4 个停滞');
  expect(summary).toContain('Bo Wang · 1 个停滞');
  expect(summary).not.toContain('Manager own');
  expect(world.dms('DWEST0001')).toHaveLength(0);
  expect(world.fake.violations()).toEqual([]);

  // The next hourly tick (another worker, same day): no second digest or summary.
  await worker.queues.add(nudgeTickJob, { hour: 'test-2' });
  await sleep(2500);
  expect(world.posted()).toHaveLength(4);

  // Two workers started: one scheduler of each kind (nudges hourly, reports every five minutes, retention daily).
  const schedulers = await worker.queues.queue('schedules').getJobSchedulers();
  expect(schedulers.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
    expect.objectContaining({ key: nudgeTickSchedulerId, pattern: '0 * * * *', tz: 'UTC' }),
    expect.objectContaining({ key: reportTickSchedulerId, pattern: '*/5 * * * *', tz: 'UTC' }),
    expect.objectContaining({ key: retentionSchedulerId, pattern: '30 3 * * *', tz: 'UTC' }),
  ]);
});

test('snoozing mutes a deal until the snooze ends; only someone who may change the deal can snooze it', async () => {
  const rep = await world.person();
  const other = await world.person();
  const o = await createOpportunity(world.em(), rep.actor, { customerId: rep.customer.id, title: 'Snooze me', amount: '10', nextStep: null });
  expect((await listStalledOpportunities(world.em(), rep.actor, { whose: 'mine' })).map((s) => s.opportunity.id)).toEqual([o.id]);
  const snoozed = await snoozeOpportunity(world.em(), rep.actor, o.id, 3);
  expect(snoozed.snoozedUntil!.getTime()).toBeGreaterThan(Date.now() + 3 * day - 60_000);
  expect(await listStalledOpportunities(world.em(), rep.actor, { whose: 'mine' })).toEqual([]);
  expect((await listStalledOpportunities(world.em(), rep.actor, { whose: 'mine', now: new Date(Date.now() + 4 * day) })).map((s) => s.opportunity.id)).toEqual([o.id]);
  await expect(snoozeOpportunity(world.em(), other.actor, o.id, 3)).rejects.toMatchObject({ code: 'forbidden' });
  await expect(snoozeOpportunity(world.em(), rep.actor, o.id, 0)).rejects.toMatchObject({ code: 'invalid_input' });
  await expect(snoozeOpportunity(world.em(), rep.actor, o.id, 91)).rejects.toMatchObject({ code: 'invalid_input' });
});
