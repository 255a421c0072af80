import { DateTime } from 'luxon';
import { Interaction, type InteractionType } from '../../../src/domain/activities/interaction.entity';
import type { Customer } from '../../../src/domain/customers/customer.entity';
import { Opportunity, type Stage } from '../../../src/domain/opportunities/opportunity.entity';
import { StageChange } from '../../../src/domain/opportunities/stage-change.entity';
import { moveOpportunityStage } from '../../../src/domain/opportunities/move-opportunity-stage';
import { buildKpiReport } from '../../../src/domain/reports/build-kpi-report';
import { makeCustomer } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeOrgWorld, refused, type OrgWorld } from '../domain/domain-world';

/**
 * The rules a manager relies on when reading a report, one at a time: what a visit is, money in
 * other currencies, conversion in points, periods to date, the pipeline of a past period, and
 * history that stays in the unit where it happened.
 */
let db: TestDatabase;
let w: OrgWorld;
let acme: Customer;
const zone = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
// Thursday 3 December 2026, 15:00 in Shanghai.
const now = local('2026-12-03T15:00');

async function deal(owner: { id: string }, title: string, stages: Array<[Stage, string]>, amount = '1000.00', currency = 'USD'): Promise<Opportunity> {
  const em = db.em();
  const [stage, at] = stages[stages.length - 1]!;
  const closed = stage === 'won' || stage === 'lost';
  const o = em.create(Opportunity, {
    tenantId: w.tenant.id, customerId: acme.id, ownerId: owner.id, title, amount, currency, stage, probability: 50,
    closedAt: closed ? local(at) : null, lostReason: stage === 'lost' ? 'price' : null, stageChangedAt: local(at), createdAt: local(stages[0]![1]),
  } as Opportunity);
  await em.flush();
  stages.forEach(([to, when], i) => em.create(StageChange, { tenantId: w.tenant.id, opportunityId: o.id, fromStage: i ? stages[i - 1]![0] : null, toStage: to, changedBy: owner.id, changedAt: local(when) } as StageChange));
  await em.flush();
  return o;
}

async function done(user: { id: string }, type: InteractionType, at: string) {
  const em = db.em();
  em.create(Interaction, { tenantId: w.tenant.id, customerId: acme.id, userId: user.id, type, status: 'done', occurredAt: local(at) } as Interaction);
  await em.flush();
}

const report = (actor: OrgWorld['manager']['actor'], input: { period: 'daily' | 'weekly' | 'monthly' | 'yearly'; scope: 'me' | 'team' | 'org'; at: Date; asOf?: Date }) =>
  buildKpiReport(db.em(), actor, { asOf: now, timezone: zone, ...input });

beforeAll(async () => {
  db = await createTestDatabase();
  w = await makeOrgWorld(db);
  acme = await makeCustomer(db.em(), w.tenant, w.repA.user, 'Acme', { region: 'East', createdAt: local('2026-01-05T09:00') } as Partial<Customer>);
}, 60_000);
afterAll(async () => {
  await db.drop();
});

describe('visits are visits', () => {
  test('calls, e-mails and meetings done are not counted as visits, in the figure or the trend', async () => {
    await done(w.repB.user, 'visit', '2026-11-10T10:00');
    await done(w.repB.user, 'visit', '2026-11-11T10:00');
    await done(w.repB.user, 'call', '2026-11-12T10:00');
    await done(w.repB.user, 'email', '2026-11-12T11:00');
    await done(w.repB.user, 'meeting', '2026-11-13T11:00');
    const r = await report(w.repB.actor, { period: 'monthly', scope: 'me', at: local('2026-11-15T12:00') });
    expect(r.visits.current).toBe('2');
    expect(r.trend.at(-1)).toMatchObject({ label: '2026-11', visits: 2 });
  });
});

describe('money in other currencies', () => {
  test('open deals in another currency are neither in the stage count nor lost: they are listed apart', async () => {
    await deal(w.repSub.user, 'USD open', [['solution', '2026-11-20T10:00']], '1000.00');
    await deal(w.repSub.user, 'EUR open', [['solution', '2026-11-20T10:00']], '500.00', 'EUR');
    await deal(w.repSub.user, 'EUR open 2', [['negotiation', '2026-11-21T10:00']], '250.50', 'EUR');
    const r = await report(w.repSub.actor, { period: 'monthly', scope: 'me', at: now });
    expect(r.pipeline.stages.find((s) => s.stage === 'solution')).toEqual({ stage: 'solution', count: 1, amount: '1000.00' });
    expect(r.pipeline.stages.find((s) => s.stage === 'negotiation')).toEqual({ stage: 'negotiation', count: 0, amount: '0.00' });
    expect(r.pipeline.otherCurrencies).toEqual([{ currency: 'EUR', count: 2, amount: '750.50' }]);
  });

  test('a deal won in another currency counts as a deal won — in the headline and for its rep alike — but not as revenue', async () => {
    await deal(w.repSub.user, 'USD won', [['quote', '2026-11-01T10:00'], ['won', '2026-11-22T10:00']], '400.00');
    await deal(w.repSub.user, 'EUR won', [['quote', '2026-11-01T10:00'], ['won', '2026-11-23T10:00']], '900.00', 'EUR');
    const r = await report(w.repSub.actor, { period: 'monthly', scope: 'me', at: local('2026-11-15T12:00') });
    expect(r.dealsWon.current).toBe('2');
    expect(r.revenueWon.current).toBe('400.00');
    expect(r.byRep.map((c) => [c.label, c.revenue.current, c.dealsWon])).toEqual([['Sam Rep', '400.00', 2]]);
    expect(r.otherCurrencies).toEqual([{ currency: 'EUR', revenue: '900.00', deals: 1 }]);
  });
});

describe('conversion', () => {
  test('its change is in points; with no closed deals there is no rate, not 0 %', async () => {
    await deal(w.repW.user, 'W won Oct', [['quote', '2026-10-01T10:00'], ['won', '2026-10-05T10:00']]);
    await deal(w.repW.user, 'W lost Oct', [['quote', '2026-10-01T10:00'], ['lost', '2026-10-06T10:00']]);
    await deal(w.repW.user, 'W won Nov', [['quote', '2026-10-01T10:00'], ['won', '2026-11-02T10:00']]);
    const nov = await report(w.repW.actor, { period: 'monthly', scope: 'me', at: local('2026-11-15T12:00') });
    expect(nov.conversion).toEqual({ current: '100.0', previous: '50.0', changePoints: '50.0' });
    const sep = await report(w.repW.actor, { period: 'monthly', scope: 'me', at: local('2026-09-15T12:00') });
    expect(sep.conversion).toEqual({ current: null, previous: null, changePoints: null });
    const dec = await report(w.repW.actor, { period: 'monthly', scope: 'me', at: now });
    expect(dec.conversion).toEqual({ current: null, previous: '100.0', changePoints: null });
  });
});

describe('periods', () => {
  test('a month not over is reported to date and compared with the same span of the month before (1–3 Dec 15:00 with 1–3 Nov 15:00)', async () => {
    await deal(w.repB.user, 'Dec 2', [['quote', '2026-10-01T10:00'], ['won', '2026-12-02T10:00']], '300.00');
    await deal(w.repB.user, 'Nov 2', [['quote', '2026-10-01T10:00'], ['won', '2026-11-02T10:00']], '200.00');
    await deal(w.repB.user, 'Nov 3 after 15:00', [['quote', '2026-10-01T10:00'], ['won', '2026-11-03T16:00']], '50.00');
    await deal(w.repB.user, 'Nov 20', [['quote', '2026-10-01T10:00'], ['won', '2026-11-20T10:00']], '5000.00');
    const r = await report(w.repB.actor, { period: 'monthly', scope: 'me', at: now });
    expect(r.window).toMatchObject({ label: '2026-12', toDate: true, start: local('2026-12-01T00:00'), end: now, previousStart: local('2026-11-01T00:00'), previousEnd: local('2026-11-03T15:00') });
    expect(r.revenueWon).toEqual({ current: '300.00', previous: '200.00', changePercent: '50.0' });
    expect(r.trend.at(-1)).toEqual({ label: '2026-12', revenue: '300.00', visits: 0, partial: true });
    expect(r.trend.at(-2)).toMatchObject({ label: '2026-11', revenue: '5250.00', partial: false });
    expect(r.pipeline.asOf).toBeNull();
  });

  test('a past month is the whole month against the whole month before', async () => {
    const r = await report(w.repB.actor, { period: 'monthly', scope: 'me', at: local('2026-11-15T12:00') });
    expect(r.window).toMatchObject({ label: '2026-11', toDate: false, end: local('2026-12-01T00:00'), previousEnd: local('2026-11-01T00:00') });
    expect(r.revenueWon.current).toBe('5250.00');
  });

  test('the same span of a shorter month stops at its end (31 March to date against all of February)', () => {
    return report(w.repB.actor, { period: 'monthly', scope: 'me', at: local('2026-03-31T12:00'), asOf: local('2026-03-31T12:00') }).then((r) => {
      expect(r.window.previousEnd).toEqual(local('2026-03-01T00:00'));
    });
  });

  test('a period that has not started is refused', async () => {
    await refused(report(w.repB.actor, { period: 'monthly', scope: 'me', at: local('2027-01-15T12:00') }), 'invalid_input');
  });
});

describe('the pipeline of a past period', () => {
  test('is the open deals as they stood at its end, from the stage history', async () => {
    const owner = w.repA.user;
    await deal(owner, 'moved on after', [['solution', '2026-10-10T10:00'], ['negotiation', '2026-12-02T10:00']], '100.00');
    await deal(owner, 'won after', [['quote', '2026-10-10T10:00'], ['won', '2026-12-02T11:00']], '200.00');
    await deal(owner, 'made after', [['initial_contact', '2026-12-02T12:00']], '400.00');
    await deal(owner, 'lost before', [['quote', '2026-10-10T10:00'], ['lost', '2026-11-20T10:00']], '800.00');
    const nov = await report(w.repA.actor, { period: 'monthly', scope: 'me', at: local('2026-11-15T12:00') });
    expect(nov.pipeline.asOf).toEqual(local('2026-12-01T00:00'));
    expect(nov.pipeline.stages.map((s) => [s.stage, s.count, s.amount])).toEqual([
      ['initial_contact', 0, '0.00'],
      ['solution', 1, '100.00'],
      ['quote', 1, '200.00'],
      ['negotiation', 0, '0.00'],
    ]);
    const dec = await report(w.repA.actor, { period: 'monthly', scope: 'me', at: now });
    expect(dec.pipeline.stages.map((s) => [s.stage, s.count, s.amount])).toEqual([
      ['initial_contact', 1, '400.00'],
      ['solution', 0, '0.00'],
      ['quote', 0, '0.00'],
      ['negotiation', 1, '100.00'],
    ]);
  });
});

describe('history stays in the unit where it happened', () => {
  test("a rep who moves to another unit leaves last month's team figures as they were, and takes their own along", async () => {
    const em = db.em();
    const moving = w.repB.user;
    const before = await report(w.manager.actor, { period: 'monthly', scope: 'team', at: local('2026-11-15T12:00') });
    const own = await report(w.repB.actor, { period: 'monthly', scope: 'me', at: local('2026-11-15T12:00') });
    expect(before.byUnit.map((u) => u.label)).toContain('Sales/East');
    expect(Number(before.revenueWon.current)).toBeGreaterThan(0);
    await em.getConnection().execute(`update users set org_unit_id = ? where id = ?`, [w.west.id, moving.id]);

    const after = await report(w.manager.actor, { period: 'monthly', scope: 'team', at: local('2026-11-15T12:00') });
    expect([after.revenueWon, after.dealsWon, after.dealsLost, after.visits, after.byUnit, after.byRep]).toEqual([before.revenueWon, before.dealsWon, before.dealsLost, before.visits, before.byUnit, before.byRep]);
    expect(await report(w.repB.actor, { period: 'monthly', scope: 'me', at: local('2026-11-15T12:00') })).toEqual(own);

    // What they win from now on is West's.
    const later = await deal(moving, 'won in West', [['quote', '2026-11-25T10:00']], '70.00');
    await moveOpportunityStage(db.em(), w.repB.actor, later.id, { to: 'won' });
    const [row] = await em.getConnection().execute(`select ou.name_path from opportunities o join org_units ou on ou.id = o.closed_unit_id where o.id = ?`, [later.id]);
    expect(row.name_path).toBe('Sales/West');
    await em.getConnection().execute(`update users set org_unit_id = ? where id = ?`, [w.east.id, moving.id]);
  });

  test('a visit is stamped with the unit its person was in when it was done (planned then done elsewhere: the latter)', async () => {
    const em = db.em();
    const planned = em.create(Interaction, { tenantId: w.tenant.id, customerId: acme.id, userId: w.repSub.user.id, type: 'visit', status: 'planned', scheduledAt: local('2026-12-02T10:00') } as Interaction);
    await em.flush();
    await em.getConnection().execute(`update users set org_unit_id = ? where id = ?`, [w.west.id, w.repSub.user.id]);
    await em.getConnection().execute(`update interactions set status = 'done', occurred_at = scheduled_at where id = ?`, [planned.id]);
    const [row] = await em.getConnection().execute(`select unit_id from interactions where id = ?`, [planned.id]);
    expect(row.unit_id).toBe(w.west.id);
    await em.getConnection().execute(`update users set org_unit_id = ? where id = ?`, [w.shanghai.id, w.repSub.user.id]);
  });
});
