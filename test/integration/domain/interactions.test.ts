import { cancelVisit } from '../../../src/domain/activities/cancel-visit';
import { Interaction } from '../../../src/domain/activities/interaction.entity';
import { listUpcomingVisits } from '../../../src/domain/activities/list-upcoming-visits';
import { logInteraction } from '../../../src/domain/activities/log-interaction';
import { planVisit } from '../../../src/domain/activities/plan-visit';
import { recordOutcome } from '../../../src/domain/activities/record-outcome';
import { rescheduleVisit } from '../../../src/domain/activities/reschedule-visit';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { systemActor } from '../../../src/domain/shared/actor';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { day, hour, inHours, makeCustomer, makeOpportunity, makeOrgWorld, makeVisit, refusedWithoutChange } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function world() {
  const w = await makeOrgWorld(db);
  const customer = await makeCustomer(w.em, w.tenant, w.repA.user, '华东机械');
  return { ...w, customer, t: [w.tenant.id, w.otherTenant.id] };
}

const reload = (id: string) => db.em().findOneOrFail(Interaction, { id });
const customerRow = (id: string) => db.em().findOneOrFail(Customer, { id });
const auditActions = async (entityId: string) =>
  (await db.em().find(AuditEntry, { entityId }, { orderBy: { id: 'asc' } })).map((a) => a.action);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

describe('logInteraction', () => {
  test('logs a done visit now and moves the customer’s last interaction forward, never back', async () => {
    const { repA, customer } = await world();
    const before = Date.now();
    const visit = await logInteraction(db.em(), repA.actor, { customerId: customer.id, notes: ' met the buyer ', outcome: 'met', cost: '99.5' });
    const stored = await reload(visit.id);
    expect(stored).toMatchObject({ status: 'done', type: 'visit', userId: repA.user.id, notes: 'met the buyer', outcome: 'met', scheduledAt: null });
    expect(stored.occurredAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const [{ cost }] = await db.em().execute(`select cost::text as cost from interactions where id = ?`, [visit.id]);
    expect(cost).toBe('99.50');
    expect((await customerRow(customer.id)).lastInteractionAt!.getTime()).toBe(stored.occurredAt!.getTime());

    // Logging something older later does not make the customer look quieter than it is.
    await logInteraction(db.em(), repA.actor, { customerId: customer.id, type: 'call', occurredAt: new Date(Date.now() - 3 * day) });
    expect((await customerRow(customer.id)).lastInteractionAt!.getTime()).toBe(stored.occurredAt!.getTime());
    expect(await auditActions(visit.id)).toEqual(['interaction.log']);
  });

  test('a phone clock a little ahead is fine; an hour ahead is refused', async () => {
    const { repA, customer, t } = await world();
    await logInteraction(db.em(), repA.actor, { customerId: customer.id, occurredAt: new Date(Date.now() + 2 * 60_000) });
    const err = await refusedWithoutChange(db, t, () => logInteraction(db.em(), repA.actor, { customerId: customer.id, occurredAt: inHours(1) }), 'invalid_input');
    expect(err.details.fields).toEqual([{ field: 'occurredAt', problem: 'in the future' }]);
  });

  test.each([
    ['a cost with three decimals', { cost: '1.234' }],
    ['a negative cost', { cost: '-5' }],
    ['a hexadecimal cost', { cost: '0x10' }],
    ['an unknown type', { type: 'fax' }],
    ['an impossible follow-up date', { followUpDate: '2026-02-30' }],
    ['oversized notes', { notes: 'x'.repeat(4001) }],
  ])('refuses %s and writes nothing', async (_, patch) => {
    const { repA, customer, t } = await world();
    await refusedWithoutChange(db, t, () => logInteraction(db.em(), repA.actor, { customerId: customer.id, ...(patch as object) }), 'invalid_input');
  });

  test('a rep may log on a pool customer but not on a colleague’s; the CLI cannot log at all', async () => {
    const w = await world();
    const pool = await makeCustomer(w.em, w.tenant, null, 'Pool Co');
    await logInteraction(db.em(), w.repA.actor, { customerId: pool.id });
    expect((await customerRow(pool.id)).lastInteractionAt).not.toBeNull();
    const colleagues = await makeCustomer(w.em, w.tenant, w.repB.user, 'Bob Co');
    await refusedWithoutChange(db, w.t, () => logInteraction(db.em(), w.repA.actor, { customerId: colleagues.id }), 'forbidden');
    await refusedWithoutChange(db, w.t, () => logInteraction(db.em(), systemActor(w.tenant.id), { customerId: w.customer.id }), 'forbidden');
  });

  test('a linked opportunity must be one the actor can see, on the same customer, in the same tenant', async () => {
    const w = await world();
    const deal = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    const linked = await logInteraction(db.em(), w.repA.actor, { customerId: w.customer.id, opportunityId: deal.id });
    expect(linked.opportunityId).toBe(deal.id);

    const otherCustomer = await makeCustomer(w.em, w.tenant, w.repA.user, 'Other Co');
    const otherDeal = await makeOpportunity(w.em, w.tenant, w.repA.user, otherCustomer);
    const foreignCustomer = await makeCustomer(w.em, w.otherTenant, w.foreignRep.user, 'Foreign Co');
    const foreignDeal = await makeOpportunity(w.em, w.otherTenant, w.foreignRep.user, foreignCustomer);
    await refusedWithoutChange(db, w.t, () => logInteraction(db.em(), w.repA.actor, { customerId: w.customer.id, opportunityId: otherDeal.id }), 'invalid_input');
    await refusedWithoutChange(db, w.t, () => logInteraction(db.em(), w.repA.actor, { customerId: w.customer.id, opportunityId: foreignDeal.id }), 'not_found');
    await refusedWithoutChange(db, w.t, () => logInteraction(db.em(), w.repA.actor, { customerId: w.customer.id, opportunityId: '00000000-0000-4000-8000-000000000000' }), 'not_found');
    await refusedWithoutChange(db, w.t, () => planVisit(db.em(), w.repA.actor, { customerId: w.customer.id, scheduledAt: inHours(5), opportunityId: foreignDeal.id }), 'not_found');
  });
});

describe('planVisit', () => {
  test('plans a visit in the future without touching the customer’s last interaction', async () => {
    const { repA, customer } = await world();
    const when = inHours(26);
    const visit = await planVisit(db.em(), repA.actor, { customerId: customer.id, scheduledAt: when, place: 'Pudong office', purpose: 'demo' });
    expect(await reload(visit.id)).toMatchObject({ status: 'planned', scheduledAt: when, occurredAt: null, place: 'Pudong office', purpose: 'demo', userId: repA.user.id });
    expect((await customerRow(customer.id)).lastInteractionAt).toBeNull();
    expect(await auditActions(visit.id)).toEqual(['interaction.plan']);
    const nearYear = await planVisit(db.em(), repA.actor, { customerId: customer.id, scheduledAt: new Date(Date.now() + 360 * day) });
    expect(nearYear.status).toBe('planned');
  });

  test.each([
    ['an hour ago', () => inHours(-1), 'in the past'],
    ['more than a year ahead', () => new Date(Date.now() + 367 * day), 'too far ahead'],
  ])('refuses a time %s and writes nothing', async (_, when, problem) => {
    const { repA, customer, t } = await world();
    const err = await refusedWithoutChange(db, t, () => planVisit(db.em(), repA.actor, { customerId: customer.id, scheduledAt: when() }), 'invalid_input');
    expect(err.details.fields).toEqual([{ field: 'scheduledAt', problem }]);
  });

  test('refuses something that is not a date', async () => {
    const { repA, customer, t } = await world();
    await refusedWithoutChange(db, t, () => planVisit(db.em(), repA.actor, { customerId: customer.id, scheduledAt: 'next blue moon' as unknown as Date }), 'invalid_input');
  });
});

describe('rescheduleVisit', () => {
  test('moves a planned visit; the same time again is a no-op', async () => {
    const { em, tenant, repA, customer } = await world();
    const visit = await makeVisit(em, tenant, repA.user, customer, { scheduledAt: inHours(24) });
    const later = new Date(visit.scheduledAt!.getTime() + 2 * day);
    await rescheduleVisit(db.em(), repA.actor, visit.id, later);
    expect((await reload(visit.id)).scheduledAt).toEqual(later);
    await rescheduleVisit(db.em(), repA.actor, visit.id, new Date(later));
    expect(await auditActions(visit.id)).toEqual(['interaction.reschedule']);
  });

  test('refuses the past, and visits that are done or cancelled', async () => {
    const { em, tenant, repA, customer, t } = await world();
    const planned = await makeVisit(em, tenant, repA.user, customer);
    await refusedWithoutChange(db, t, () => rescheduleVisit(db.em(), repA.actor, planned.id, inHours(-2)), 'invalid_input');
    const done = await makeVisit(em, tenant, repA.user, customer, { status: 'done' });
    const cancelled = await makeVisit(em, tenant, repA.user, customer, { status: 'cancelled', scheduledAt: inHours(5) });
    await refusedWithoutChange(db, t, () => rescheduleVisit(db.em(), repA.actor, done.id, inHours(48)), 'conflict');
    await refusedWithoutChange(db, t, () => rescheduleVisit(db.em(), repA.actor, cancelled.id, inHours(48)), 'conflict');
  });
});

describe('cancelVisit', () => {
  test('cancels once; a second cancel (double click) is a no-op', async () => {
    const { em, tenant, repA, customer } = await world();
    const visit = await makeVisit(em, tenant, repA.user, customer);
    expect((await cancelVisit(db.em(), repA.actor, visit.id)).status).toBe('cancelled');
    const updatedAt = (await reload(visit.id)).updatedAt;
    expect((await cancelVisit(db.em(), repA.actor, visit.id)).status).toBe('cancelled');
    expect((await reload(visit.id)).updatedAt).toEqual(updatedAt);
    expect(await auditActions(visit.id)).toEqual(['interaction.cancel']);
  });

  test('a done visit cannot be cancelled', async () => {
    const { em, tenant, repA, customer, t } = await world();
    const done = await makeVisit(em, tenant, repA.user, customer, { status: 'done' });
    const err = await refusedWithoutChange(db, t, () => cancelVisit(db.em(), repA.actor, done.id), 'conflict');
    expect(err.details).toMatchObject({ reason: 'not_planned', status: 'done' });
  });
});

describe('double clicks and concurrent logging', () => {
  test('three concurrent cancels and reschedules to the same time each take effect once', async () => {
    const { em, tenant, repA, customer } = await world();
    const a = await makeVisit(em, tenant, repA.user, customer);
    const b = await makeVisit(em, tenant, repA.user, customer);
    const when = inHours(50);
    await Promise.all([1, 2, 3].map(() => cancelVisit(db.em(), repA.actor, a.id)));
    await Promise.all([1, 2, 3].map(() => rescheduleVisit(db.em(), repA.actor, b.id, new Date(when))));
    expect(await auditActions(a.id)).toEqual(['interaction.cancel']);
    expect(await auditActions(b.id)).toEqual(['interaction.reschedule']);
  });

  test('concurrent logs leave the customer with the latest interaction time', async () => {
    const { repA, manager, customer } = await world();
    const times = [5, 1, 4, 2, 3, 6, 0].map((h) => new Date(Date.now() - h * hour));
    await Promise.all(times.map((occurredAt, i) => logInteraction(db.em(), [repA, manager][i % 2]!.actor, { customerId: customer.id, occurredAt })));
    expect((await customerRow(customer.id)).lastInteractionAt).toEqual(times[6]);
  });
});

describe('recordOutcome', () => {
  test('completes a planned visit with its result and touches the customer', async () => {
    const { em, tenant, repA, customer } = await world();
    const visit = await makeVisit(em, tenant, repA.user, customer, { scheduledAt: inHours(2) });
    const followUp = isoDay(new Date(Date.now() + 7 * day));
    const before = Date.now();
    await recordOutcome(db.em(), repA.actor, visit.id, { outcome: 'partly', notes: 'needs a quote', problems: 'budget frozen', nextStep: 'send quote', followUpDate: followUp, cost: '120' });
    const stored = await reload(visit.id);
    expect(stored).toMatchObject({ status: 'done', outcome: 'partly', notes: 'needs a quote', problems: 'budget frozen', nextStep: 'send quote', followUpDate: followUp, cost: '120.00' });
    expect(stored.occurredAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await customerRow(customer.id)).lastInteractionAt).toEqual(stored.occurredAt);
    const [audit] = await db.em().find(AuditEntry, { entityId: visit.id });
    expect(audit).toMatchObject({ action: 'interaction.outcome', before: { status: 'planned', outcome: null }, after: { status: 'done', outcome: 'partly' } });
  });

  test('amending a done visit keeps when it happened and the notes not resent', async () => {
    const { em, tenant, repA, customer } = await world();
    const occurredAt = new Date(Date.now() - 2 * day);
    const done = await makeVisit(em, tenant, repA.user, customer, { status: 'done', occurredAt, notes: 'first notes' });
    await recordOutcome(db.em(), repA.actor, done.id, { outcome: 'not_met', occurredAt: new Date() });
    expect(await reload(done.id)).toMatchObject({ status: 'done', outcome: 'not_met', notes: 'first notes', occurredAt });
  });

  test('a cancelled visit, an unknown outcome and a time in the future are refused', async () => {
    const { em, tenant, repA, customer, t } = await world();
    const cancelled = await makeVisit(em, tenant, repA.user, customer, { status: 'cancelled' });
    await refusedWithoutChange(db, t, () => recordOutcome(db.em(), repA.actor, cancelled.id, { outcome: 'met' }), 'conflict');
    const planned = await makeVisit(em, tenant, repA.user, customer);
    await refusedWithoutChange(db, t, () => recordOutcome(db.em(), repA.actor, planned.id, { outcome: 'great' as 'met' }), 'invalid_input');
    await refusedWithoutChange(db, t, () => recordOutcome(db.em(), repA.actor, planned.id, { outcome: 'met', occurredAt: inHours(3) }), 'invalid_input');
  });
});

describe('listUpcomingVisits', () => {
  test('only the actor’s own planned visits from today on, soonest first, with customer names', async () => {
    const { em, tenant, repA, repB, manager, customer } = await world();
    const second = await makeCustomer(em, tenant, repA.user, 'Beta Ltd');
    const in3h = await makeVisit(em, tenant, repA.user, customer, { scheduledAt: inHours(3) });
    const in1h = await makeVisit(em, tenant, repA.user, second, { scheduledAt: inHours(1) });
    const in2d = await makeVisit(em, tenant, repA.user, customer, { scheduledAt: inHours(48) });
    const earlierToday = await makeVisit(em, tenant, repA.user, customer, { scheduledAt: inHours(-2) });
    await makeVisit(em, tenant, repA.user, customer, { scheduledAt: inHours(-72) }); // long past, never completed
    await makeVisit(em, tenant, repA.user, customer, { status: 'cancelled', scheduledAt: inHours(4) });
    await makeVisit(em, tenant, repA.user, customer, { status: 'done' });
    await makeVisit(em, tenant, repB.user, customer, { scheduledAt: inHours(2) });
    await makeVisit(em, tenant, manager.user, customer, { scheduledAt: inHours(2) });

    const mine = await listUpcomingVisits(db.em(), repA.actor);
    expect(mine.map((v) => [v.visit.id, v.customerName])).toEqual([
      [earlierToday.id, '华东机械'],
      [in1h.id, 'Beta Ltd'],
      [in3h.id, '华东机械'],
      [in2d.id, '华东机械'],
    ]);
    expect((await listUpcomingVisits(db.em(), repA.actor, { from: new Date(), limit: 2 })).map((v) => v.visit.id)).toEqual([in1h.id, in3h.id]);
    // A manager's list is their own diary, not their team's.
    expect((await listUpcomingVisits(db.em(), manager.actor)).map((v) => v.visit.userId)).toEqual([manager.user.id]);
    expect(await listUpcomingVisits(db.em(), systemActor(tenant.id))).toEqual([]);
  });

  test('a nonsense limit does not reach the database', async () => {
    const { repA } = await world();
    await expect(listUpcomingVisits(db.em(), repA.actor, { limit: -1 })).resolves.toEqual([]);
  });
});

test('hour helper sanity', () => expect(inHours(1).getTime() - Date.now()).toBeLessThanOrEqual(hour));
