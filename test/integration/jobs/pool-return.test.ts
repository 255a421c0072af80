import { DateTime } from 'luxon';
import { logInteraction } from '../../../src/domain/activities/log-interaction';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { listPoolCustomers } from '../../../src/domain/customers/list-pool-customers';
import { listPoolCandidates } from '../../../src/domain/customers/pool-activity';
import { setPoolSettings } from '../../../src/domain/customers/pool-settings';
import { returnCustomerToPool, runPoolDay } from '../../../src/domain/customers/run-pool-day';
import { createOpportunity } from '../../../src/domain/opportunities/create-opportunity';
import { resolveAccess } from '../../../src/domain/shared/access';
import { systemActor } from '../../../src/domain/shared/actor';
import { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { clockAt } from '../../../src/jobs/clock';
import { nudgeTickJob } from '../../../src/jobs/nudge-tick.job';
import { makeCustomer, makeUnit } from '../../support/factories';
import { buttonsOf, messageText, sleep, startJobsWorld, type JobsWorld } from './jobs-world';

/**
 * Auto-return in Asia/Shanghai (UTC+8, no DST) with N = 30, M = 3, A = 60: days are counted by
 * local calendar date. Customers' "last activity" is set explicitly (owner_since, a logged visit);
 * everything the factories create "now" lies after this October–November timeline and stays out.
 */
const zone = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); }, 60_000);
afterAll(async () => { await world?.stop(); });

type Person = Awaited<ReturnType<JobsWorld['person']>>;

async function ownedSince(owner: Person, name: string, since: string, extra: Partial<Customer> = {}): Promise<Customer> {
  const c = await makeCustomer(world.em(), world.tenant, owner.user, name, extra);
  await world.em().getConnection().execute(`update customers set owner_since = ? where id = ?`, [local(since), c.id]);
  return c;
}

const ownerOf = async (id: string) => (await world.em().findOneOrFail(Customer, { id })).ownerId;
const warnings = async () => (await world.em().getConnection().execute(`select c.name, to_char(w.warned_on, 'YYYY-MM-DD') as warned_on, to_char(w.return_on, 'YYYY-MM-DD') as return_on from pool_warnings w join customers c on c.id = w.customer_id order by w.warned_on, c.name`)) as Array<{ name: string; warned_on: string; return_on: string }>;
const returns = async () => (await world.em().getConnection().execute(`select c.name, to_char(r.returned_on, 'YYYY-MM-DD') as returned_on, r.days_inactive, r.previous_owner_id from pool_returns r join customers c on c.id = r.customer_id order by r.returned_on, c.name`)) as Array<{ name: string; returned_on: string; days_inactive: number; previous_owner_id: string }>;

/** The hourly tick at 09:05 local on `date` (once per id in `ticks`), and everything it fans out, finished. */
async function tickOn(date: string, ticks = ['a'], workers = 1): Promise<void> {
  await world.stopWorkers();
  const worker = await world.startWorker(clockAt(local(`${date}T09:05`)));
  for (let i = 1; i < workers; i++) await world.startWorker(clockAt(local(`${date}T09:05`)));
  for (const t of ticks) await worker.queues.add(nudgeTickJob, { hour: `${date}-${t}` });
  const schedules = worker.queues.queue('schedules');
  await world.until(async () => (await schedules.getJobState(`pool-return.${world.tenant.id}.${date}`)) === 'completed', `pool-return on ${date}`);
  const owners: Array<{ owner_id: string }> = await world.em().getConnection().execute(
    `select owner_id from pool_warnings where warned_on = ? union select previous_owner_id from pool_returns where returned_on = ?`, [date, date]);
  const deliveries = worker.queues.queue('deliveries');
  await world.until(async () => {
    for (const o of owners) if ((await deliveries.getJobState(`pool-notice.${o.owner_id}.${date}`)) !== 'completed') return false;
    return true;
  }, `pool notices on ${date}`);
  await sleep(300);
}

/** The pool DMs a person got (other jobs of the same ticks, like deal digests, are not counted). */
const poolDms = (p: Person) => world.dms(p.dmChannel).filter((c) => String((c.args.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '').startsWith('pool-notice.'));
const dmsMentioning = (p: Person, text: string) => poolDms(p).filter((c) => messageText(c).includes(text));

test('warned exactly 3 days before, once; returned on day 30 by the local date; per-tier periods; activity starts a new stretch; the manager hears on Monday', async () => {
  const em = world.em();
  await em.nativeUpdate(Tenant, { id: world.tenant.id }, { defaultTimezone: zone, nudgeHour: 9 });
  const tenant = await em.findOneOrFail(Tenant, { id: world.tenant.id });
  const east = await makeUnit(em, tenant, 'Sales/East');
  const west = await makeUnit(em, tenant, 'Sales/West');
  const manager = await world.person({ role: 'manager', unit: east, manages: true, timezone: zone, name: 'Mia Manager' });
  const amy = await world.person({ unit: east, timezone: zone, name: 'Amy Chen' });
  const bo = await world.person({ unit: west, timezone: zone, name: 'Bo Wang', locale: 'zh-CN' });

  // 23:30 local on 1 Oct is 15:30 UTC on 1 Oct; 00:30 local on 2 Oct is 16:30 UTC on 1 Oct: same UTC day, different local days.
  const lateNight = await ownedSince(amy, 'Late Night Co', '2026-10-01T23:30');
  const earlyMorning = await ownedSince(amy, 'Early Morning Co', '2026-10-02T00:30');
  const tierA = await ownedSince(amy, 'Tier A Co', '2026-10-01T10:00', { tier: 'A' });
  const tierB = await ownedSince(amy, 'Tier B Co', '2026-10-01T10:00', { tier: 'B' });
  const revived = await ownedSince(amy, 'Revived Co', '2026-10-01T10:00');
  const planned = await ownedSince(amy, 'Planned Co', '2026-10-01T10:00');
  const dealt = await ownedSince(amy, 'Dealt Co', '2026-09-20T10:00');
  const westCo = await ownedSince(bo, '西部贸易', '2026-10-01T10:00');
  expect(new Date(local('2026-10-01T23:30')).toISOString().slice(0, 10)).toBe(new Date(local('2026-10-02T00:30')).toISOString().slice(0, 10));

  // A visit planned on 5 Oct (for later) is activity on 5 Oct; a deal moved on 3 Oct is activity on 3 Oct.
  await world.em().getConnection().execute(
    `insert into interactions (id, tenant_id, customer_id, user_id, type, status, scheduled_at, created_at, updated_at) values (gen_random_uuid(), ?, ?, ?, 'visit', 'planned', ?, ?, ?)`,
    [tenant.id, planned.id, amy.user.id, local('2026-12-20T10:00'), local('2026-10-05T11:00'), local('2026-10-05T11:00')],
  );
  const deal = await createOpportunity(world.em(), amy.actor, { customerId: dealt.id, title: 'Dealt deal', amount: '100', nextStep: 'Send the proposal' });
  await world.em().getConnection().execute(`update opportunities set created_at = ?, updated_at = ? where id = ?`, [local('2026-09-20T10:00'), local('2026-10-03T10:00'), deal.id]);

  // Off by default: nothing happens.
  expect(await runPoolDay(world.em(), tenant.id, '2026-10-28', new Date())).toMatchObject({ off: true, returned: 0, warned: 0 });
  await setPoolSettings(world.em(), systemActor(tenant.id, 'test'), { returnDays: 30, tierDays: { A: 60 }, warnDays: 3 });

  // 27 Oct: a day before anyone's warning.
  await tickOn('2026-10-27');
  expect(await warnings()).toEqual([]);

  // 28 Oct = 1 Oct + 27: Late Night, Tier B, Revived and 西部贸易 are warned; Early Morning (2 Oct) is not yet; Tier A has 60 days.
  await tickOn('2026-10-28', ['a', 'b']);
  expect(await warnings()).toEqual([
    { name: 'Late Night Co', warned_on: '2026-10-28', return_on: '2026-10-31' },
    { name: 'Revived Co', warned_on: '2026-10-28', return_on: '2026-10-31' },
    { name: 'Tier B Co', warned_on: '2026-10-28', return_on: '2026-10-31' },
    { name: '西部贸易', warned_on: '2026-10-28', return_on: '2026-10-31' },
  ]);
  const amyWarned = dmsMentioning(amy, 'about to go back to the public pool');
  expect(amyWarned).toHaveLength(1);
  const text = messageText(amyWarned[0]!);
  expect(text).toContain('Customers about to go back to the public pool (3)');
  expect(text).toContain('*Late Night Co* — no activity since 1 Oct 2026; back to the pool on 31 Oct 2026');
  for (const name of ['Early Morning Co', 'Tier A Co', 'Planned Co', 'Dealt Co', amy.customer.name]) expect(text).not.toContain(name);
  expect(buttonsOf(amyWarned[0]!)).toEqual(expect.arrayContaining([
    { action: 'visit.log_for', value: lateNight.id },
    { action: 'visit.plan_for', value: lateNight.id },
    { action: 'customer.open', value: lateNight.id },
  ]));
  expect(buttonsOf(amyWarned[0]!)).toHaveLength(9);
  const boWarned = poolDms(bo);
  expect(boWarned).toHaveLength(1);
  expect(messageText(boWarned[0]!)).toContain('即将退回公海的客户（1）');
  expect(messageText(boWarned[0]!)).toContain('*西部贸易* — 自 2026年10月1日 起无跟进；将于 2026年10月31日 退回公海');

  // The same day again (a re-run, two at once): no new warning, no second DM.
  const again = await Promise.all([runPoolDay(world.em(), tenant.id, '2026-10-28', new Date()), runPoolDay(world.em(), tenant.id, '2026-10-28', new Date())]);
  expect(again.map((r) => [r.warned, r.returned])).toEqual([[0, 0], [0, 0]]);
  expect(await warnings()).toHaveLength(4);
  expect(poolDms(amy)).toHaveLength(1);

  // 29 Oct: Amy logs a visit to Revived Co (a new stretch begins); Early Morning Co (2 Oct + 27) is warned, alone.
  await logInteraction(world.em(), amy.actor, { customerId: revived.id, occurredAt: local('2026-10-29T08:00'), notes: 'Back in touch' });
  await tickOn('2026-10-29');
  expect((await warnings()).filter((w) => w.warned_on === '2026-10-29')).toEqual([{ name: 'Early Morning Co', warned_on: '2026-10-29', return_on: '2026-11-01' }]);
  const secondDm = dmsMentioning(amy, 'Early Morning Co');
  expect(secondDm).toHaveLength(1);
  expect(messageText(secondDm[0]!)).not.toContain('Late Night Co');
  expect(poolDms(amy)).toHaveLength(2);

  // 30 Oct = 3 Oct + 27: Dealt Co (its deal last moved on 3 Oct) is warned; nothing returns yet.
  await tickOn('2026-10-30');
  expect(await returns()).toEqual([]);
  expect((await warnings()).filter((w) => w.warned_on === '2026-10-30')).toEqual([{ name: 'Dealt Co', warned_on: '2026-10-30', return_on: '2026-11-02' }]);
  expect(poolDms(amy)).toHaveLength(3);

  // 31 Oct = 1 Oct + 30: Late Night, Tier B and 西部贸易 return; Revived was worked; Early Morning waits a day.
  await tickOn('2026-10-31', ['a', 'b'], 2);
  expect(await returns()).toEqual([
    { name: 'Late Night Co', returned_on: '2026-10-31', days_inactive: 30, previous_owner_id: amy.user.id },
    { name: 'Tier B Co', returned_on: '2026-10-31', days_inactive: 30, previous_owner_id: amy.user.id },
    { name: '西部贸易', returned_on: '2026-10-31', days_inactive: 30, previous_owner_id: bo.user.id },
  ]);
  expect(await ownerOf(lateNight.id)).toBeNull();
  expect(await ownerOf(earlyMorning.id)).toBe(amy.user.id);
  expect(await ownerOf(revived.id)).toBe(amy.user.id);
  expect(await ownerOf(westCo.id)).toBeNull();
  const told = dmsMentioning(amy, 'Back in the public pool');
  expect(told).toHaveLength(1);
  expect(messageText(told[0]!)).toContain('*Late Night Co* — 30 days without activity');
  expect(messageText(told[0]!)).toContain('*Tier B Co* — 30 days without activity');
  expect(messageText(dmsMentioning(bo, '已退回公海')[0]!)).toContain('*西部贸易* — 30 天无跟进');
  const audit = await world.em().find(AuditEntry, { entityId: lateNight.id, action: 'customer.pool_return' });
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ actorUserId: null, actorLabel: 'pool-return', before: expect.objectContaining({ ownerId: amy.user.id }), after: expect.objectContaining({ ownerId: null, previousOwnerId: amy.user.id, daysInactive: 30 }) });
  const pool = await listPoolCustomers(world.em(), amy.actor, { limit: 50 });
  expect(pool.items.map((c) => c.name)).toEqual(expect.arrayContaining(['Late Night Co', 'Tier B Co', '西部贸易']));
  // Running the return day again, twice at once: nothing more.
  const rerun = await Promise.all([runPoolDay(world.em(), tenant.id, '2026-10-31', new Date()), runPoolDay(world.em(), tenant.id, '2026-10-31', new Date())]);
  expect(rerun.map((r) => r.returned)).toEqual([0, 0]);
  expect(await returns()).toHaveLength(3);

  // 1 Nov = 2 Oct + 30: Early Morning returns (its 23:30 twin returned yesterday).
  await tickOn('2026-11-01');
  expect((await returns()).map((r) => [r.name, r.returned_on])).toEqual([['Late Night Co', '2026-10-31'], ['Tier B Co', '2026-10-31'], ['西部贸易', '2026-10-31'], ['Early Morning Co', '2026-11-01']]);
  expect(await ownerOf(earlyMorning.id)).toBeNull();

  // Monday 2 Nov: the manager's summary lists last week's returns from their team (not the West's), though nothing is stalled.
  await tickOn('2026-11-02');
  await world.until(() => world.dms(manager.dmChannel).length > 0, 'the manager summary');
  const summary = messageText(world.dms(manager.dmChannel)[0]!);
  expect(summary).toContain('Your team’s customers back in the public pool (3)');
  expect(summary).toContain('Back in the public pool last week (3)');
  expect(summary).toContain('• Late Night Co — was Amy Chen’s · 30 days without activity · 31 Oct 2026');
  expect(summary).toContain('• Early Morning Co — was Amy Chen’s · 30 days without activity · 1 Nov 2026');
  expect(summary).not.toContain('西部贸易');
  expect(world.dms(manager.dmChannel)).toHaveLength(1);

  // Planned Co (planned on 5 Oct): warned on 1 Nov, returns 4 Nov. Dealt Co (deal moved 3 Oct): warned 30 Oct, returned 2 Nov.
  expect((await warnings()).find((w) => w.name === 'Planned Co')).toEqual({ name: 'Planned Co', warned_on: '2026-11-01', return_on: '2026-11-04' });
  expect((await warnings()).find((w) => w.name === 'Dealt Co')).toEqual({ name: 'Dealt Co', warned_on: '2026-10-30', return_on: '2026-11-02' });
  expect((await returns()).find((r) => r.name === 'Dealt Co')).toMatchObject({ returned_on: '2026-11-02', days_inactive: 30 });

  // Revived Co's new stretch began 29 Oct: warned again on 25 Nov (a second warning, for the new stretch), returned 28 Nov.
  expect((await runPoolDay(world.em(), tenant.id, '2026-11-24', new Date())).warned).toBe(0);
  await runPoolDay(world.em(), tenant.id, '2026-11-25', new Date());
  expect((await warnings()).filter((w) => w.name === 'Revived Co')).toEqual([
    { name: 'Revived Co', warned_on: '2026-10-28', return_on: '2026-10-31' },
    { name: 'Revived Co', warned_on: '2026-11-25', return_on: '2026-11-28' },
  ]);
  // Tier A (60 days from 1 Oct): warned 27 Nov, returns 30 Nov.
  expect((await warnings()).find((w) => w.name === 'Tier A Co')).toBeUndefined();
  await runPoolDay(world.em(), tenant.id, '2026-11-27', new Date());
  expect((await warnings()).find((w) => w.name === 'Tier A Co')).toEqual({ name: 'Tier A Co', warned_on: '2026-11-27', return_on: '2026-11-30' });
  await runPoolDay(world.em(), tenant.id, '2026-11-29', new Date());
  expect(await ownerOf(tierA.id)).toBe(amy.user.id);
  // Two runs of the return day at once (two workers): each customer returns once.
  const before = (await returns()).length;
  const both = await Promise.all([runPoolDay(world.em(), tenant.id, '2026-11-30', new Date()), runPoolDay(world.em(), tenant.id, '2026-11-30', new Date())]);
  const after = await returns();
  expect(both[0]!.returned + both[1]!.returned).toBe(after.length - before);
  expect(after.filter((r) => r.name === 'Tier A Co')).toEqual([expect.objectContaining({ returned_on: '2026-11-30', days_inactive: 60 })]);
  // Revived Co was due on 28 Nov, a day nothing ran: the next run (29 Nov) caught it up.
  expect(after.filter((r) => r.name === 'Revived Co')).toEqual([expect.objectContaining({ returned_on: '2026-11-29', days_inactive: 31 })]);
  expect(await ownerOf(tierA.id)).toBeNull();
  expect(await ownerOf(revived.id)).toBeNull();
  expect(await ownerOf(tierB.id)).toBeNull();
  expect(world.fake.violations()).toEqual([]);
}, 120_000);

test('the return is conditional: activity, a release or a new owner after the warning keeps the customer out of the pool', async () => {
  const em = world.em();
  const tenant = await em.findOneOrFail(Tenant, { id: world.tenant.id });
  const rep = await world.person({ timezone: zone, name: 'Cal Rep' });
  const other = await world.person({ timezone: zone, name: 'Dee Rep' });
  const worked = await ownedSince(rep, 'Raced Co', '2026-06-01T10:00');
  const handed = await ownedSince(rep, 'Handed Co', '2026-06-01T10:00');
  await setPoolSettings(world.em(), systemActor(tenant.id, 'test'), { returnDays: 30, warnDays: 3 });
  await runPoolDay(world.em(), tenant.id, '2026-06-28', new Date());
  const access = await resolveAccess(world.em(), systemActor(tenant.id, 'pool-return'));
  // What the job read on the return day, before the rep acted.
  const seen = (await listPoolCandidates(world.em(), tenant.id, zone, '2026-06-01')).filter((c) => [worked.id, handed.id].includes(c.customerId));
  expect(seen.map((c) => [c.customerId, c.anchorOn, c.warnedOn])).toEqual(expect.arrayContaining([[worked.id, '2026-06-01', '2026-06-28'], [handed.id, '2026-06-01', '2026-06-28']]));
  // Then, before the update: a visit is logged to one, the other is handed to a colleague.
  await logInteraction(world.em(), rep.actor, { customerId: worked.id, occurredAt: local('2026-07-01T08:30') });
  await world.em().getConnection().execute(`update customers set owner_id = ? where id = ?`, [other.user.id, handed.id]);
  const at = { today: '2026-07-01', now: local('2026-07-01T09:05'), zone };
  for (const c of seen) expect(await returnCustomerToPool(world.em(), access, c, at)).toBe(false);
  expect(await ownerOf(worked.id)).toBe(rep.user.id);
  expect(await ownerOf(handed.id)).toBe(other.user.id);
  // The new owner's stretch starts when they got it (the trigger stamped owner_since).
  const handedRow = await world.em().findOneOrFail(Customer, { id: handed.id });
  expect(handedRow.ownerSince!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect(await world.em().getConnection().execute(`select count(*)::int as n from pool_returns where customer_id in (?, ?)`, [worked.id, handed.id])).toEqual([{ n: 0 }]);
  await setPoolSettings(world.em(), systemActor(tenant.id, 'test'), { returnDays: null });
});

test('switched on with customers long idle: each is warned first and returns only warnDays later', async () => {
  const em = world.em();
  const tenant = await em.findOneOrFail(Tenant, { id: world.tenant.id });
  const rep = await world.person({ timezone: zone, name: 'Eve Rep' });
  const idle = await ownedSince(rep, 'Idle Since Spring', '2026-03-01T10:00');
  await setPoolSettings(world.em(), systemActor(tenant.id, 'test'), { returnDays: 30, warnDays: 5 });
  const first = await runPoolDay(world.em(), tenant.id, '2026-08-10', new Date());
  expect(first.returned).toBe(0);
  expect((await warnings()).find((w) => w.name === 'Idle Since Spring')).toEqual({ name: 'Idle Since Spring', warned_on: '2026-08-10', return_on: '2026-08-15' });
  await runPoolDay(world.em(), tenant.id, '2026-08-14', new Date());
  expect(await ownerOf(idle.id)).toBe(rep.user.id);
  await runPoolDay(world.em(), tenant.id, '2026-08-15', new Date());
  expect(await ownerOf(idle.id)).toBeNull();
  expect((await returns()).find((r) => r.name === 'Idle Since Spring')).toMatchObject({ returned_on: '2026-08-15', days_inactive: 167 });
  await setPoolSettings(world.em(), systemActor(tenant.id, 'test'), { returnDays: null });
});
