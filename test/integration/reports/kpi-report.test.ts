import { DateTime } from 'luxon';
import { Interaction } from '../../../src/domain/activities/interaction.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { Opportunity, type Stage } from '../../../src/domain/opportunities/opportunity.entity';
import { Product } from '../../../src/domain/products/product.entity';
import { Quote, QuoteLine } from '../../../src/domain/quotes/quote.entity';
import { buildKpiReport } from '../../../src/domain/reports/build-kpi-report';
import { DomainError } from '../../../src/domain/shared/domain-error';
import { makeCustomer } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeOrgWorld, refused, type OrgWorld } from '../domain/domain-world';

let db: TestDatabase;
let w: OrgWorld;
const zone = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
// A moment in the week of Monday 23 – Sunday 29 November 2026 (2026-W48), Shanghai time.
const at = local('2026-11-26T12:00');

beforeAll(async () => {
  db = await createTestDatabase();
  w = await makeOrgWorld(db);
  const em = db.em();
  const cA = await makeCustomer(em, w.tenant, w.repA.user, 'Alpha', { region: 'East' });
  const cB = await makeCustomer(em, w.tenant, w.repB.user, 'Beta', { region: 'North' });
  const cS = await makeCustomer(em, w.tenant, w.repSub.user, 'Sub Co', { region: 'East' });
  const cW = await makeCustomer(em, w.tenant, w.repW.user, 'Westwind', { region: 'West' });
  await em.getConnection().execute(`update customers set created_at = '2026-10-01T00:00:00Z' where tenant_id = ?`, [w.tenant.id]);
  await makeCustomer(em, w.tenant, w.repA.user, 'New This Week', { createdAt: local('2026-11-24T09:00') } as Partial<Customer>);
  await makeCustomer(em, w.tenant, w.repB.user, 'New Last Week', { createdAt: local('2026-11-17T09:00') } as Partial<Customer>);

  const deal = (customer: Customer, ownerId: string, title: string, stage: Stage, amount: string, closedAt: Date | null, extra: Partial<Opportunity> = {}) =>
    em.create(Opportunity, { tenantId: w.tenant.id, customerId: customer.id, ownerId, title, amount, currency: 'USD', stage, probability: 50, closedAt, stageChangedAt: closedAt ?? new Date(), ...extra } as Opportunity);
  deal(cA, w.repA.user.id, 'A1', 'won', '1000.50', local('2026-11-24T10:00'));
  deal(cA, w.repA.user.id, 'A2 late Sunday', 'won', '2000.25', local('2026-11-29T23:30'));
  deal(cA, w.repA.user.id, 'A3 Monday after', 'won', '100.00', local('2026-11-30T01:00'));
  deal(cA, w.repA.user.id, 'A4 in euros', 'won', '300.00', local('2026-11-25T10:00'), { currency: 'EUR' });
  deal(cB, w.repB.user.id, 'B1', 'lost', '800.00', local('2026-11-25T10:00'), { lostReason: 'price too high' });
  deal(cW, w.repW.user.id, 'W1 other unit', 'won', '5000.00', local('2026-11-26T10:00'));
  deal(cA, w.repA.user.id, 'P1', 'won', '1500.00', local('2026-11-18T10:00'));
  deal(cB, w.repB.user.id, 'P2', 'won', '500.00', local('2026-11-20T10:00'));
  deal(cB, w.repB.user.id, 'P3', 'lost', '400.00', local('2026-11-19T10:00'), { lostReason: 'went with a competitor' });
  deal(cB, w.repB.user.id, 'Old big win', 'won', '2000.00', local('2026-07-15T10:00'));
  deal(cA, w.repA.user.id, 'O1', 'solution', '7000.00', null);
  deal(cS, w.repSub.user.id, 'O2', 'quote', '3000.00', null);
  deal(cW, w.repW.user.id, 'O3', 'quote', '9999.00', null);
  const visit = (customer: Customer, userId: string, occurredAt: Date, status: 'done' | 'planned' = 'done') =>
    em.create(Interaction, { tenantId: w.tenant.id, customerId: customer.id, userId, type: 'visit', status, occurredAt, scheduledAt: status === 'planned' ? occurredAt : null } as Interaction);
  visit(cA, w.repA.user.id, local('2026-11-23T10:00'));
  visit(cA, w.repA.user.id, local('2026-11-27T10:00'));
  visit(cS, w.repSub.user.id, local('2026-11-24T10:00'));
  visit(cB, w.repB.user.id, local('2026-11-18T10:00'));
  visit(cW, w.repW.user.id, local('2026-11-24T10:00'));
  // The other tenant's rep, in New York, either side of the Monday after the end of summer time.
  const cF = await makeCustomer(em, w.otherTenant, w.foreignRep.user, 'Gotham Inc', { region: 'East' });
  const newYork = (iso: string) => DateTime.fromISO(iso, { zone: 'America/New_York' }).toJSDate();
  em.create(Opportunity, { tenantId: w.otherTenant.id, customerId: cF.id, ownerId: w.foreignRep.user.id, title: 'F1 late Sunday', amount: '70.00', currency: 'USD', stage: 'won', probability: 50, closedAt: newYork('2026-11-01T23:30'), stageChangedAt: new Date() } as Opportunity);
  em.create(Opportunity, { tenantId: w.otherTenant.id, customerId: cF.id, ownerId: w.foreignRep.user.id, title: 'F2 Monday', amount: '30.00', currency: 'USD', stage: 'won', probability: 50, closedAt: newYork('2026-11-02T00:30'), stageChangedAt: new Date() } as Opportunity);
  await em.flush();
  // Open deals as they stood at the end of W48 come from the stage history: these were made a month before.
  await em.getConnection().execute(`update opportunities set created_at = '2026-10-01T00:00:00Z' where tenant_id in (?, ?)`, [w.tenant.id, w.otherTenant.id]);
  await em.getConnection().execute(
    `insert into opportunity_stage_changes (id, tenant_id, opportunity_id, from_stage, to_stage, changed_at)
     select gen_random_uuid(), tenant_id, id, null, stage, '2026-10-01T00:00:00Z' from opportunities where tenant_id in (?, ?)`,
    [w.tenant.id, w.otherTenant.id],
  );
}, 60_000);
afterAll(async () => { await db.drop(); });

test("a manager's weekly team report, computed by hand", async () => {
  const r = await buildKpiReport(db.em(), w.manager.actor, { period: 'weekly', scope: 'team', at, timezone: zone });
  expect(r.window.label).toBe('2026-W48');
  expect(r.revenueWon).toEqual({ current: '3000.75', previous: '2000.00', changePercent: '50.0' });
  expect(r.dealsWon).toEqual({ current: '3', previous: '2', changePercent: '50.0' });
  expect(r.dealsLost).toEqual({ current: '1', previous: '1', changePercent: '0.0' });
  // 3/4 − 2/3 = 8.3 points (not "12.5 %"): the change is taken before rounding.
  expect(r.conversion).toEqual({ current: '75.0', previous: '66.7', changePoints: '8.3' });
  expect(r.visits).toEqual({ current: '3', previous: '1', changePercent: '200.0' });
  expect(r.newCustomers).toEqual({ current: '1', previous: '1', changePercent: '0.0' });
  expect(r.pipeline.asOf).toEqual(local('2026-11-30T00:00'));
  expect(r.pipeline.stages).toEqual([
    { stage: 'initial_contact', count: 0, amount: '0.00' },
    { stage: 'solution', count: 1, amount: '7000.00' },
    { stage: 'quote', count: 1, amount: '3000.00' },
    { stage: 'negotiation', count: 0, amount: '0.00' },
  ]);
  expect(r.byRep.map((c) => [c.label, c.revenue.current, c.revenue.previous, c.dealsWon])).toEqual([
    ['Amy Rep', '3000.75', '1500.00', 3], // the deal in euros counts as a deal won, not as revenue
    ['Bob Rep', '0.00', '500.00', 0],
  ]);
  expect(r.byRegion.map((c) => [c.label, c.revenue.current, c.revenue.changePercent])).toEqual([
    ['East', '3000.75', '100.1'], // 3000.75 ÷ 1500 − 1 = 100.05 %, half up
    ['North', '0.00', '-100.0'],
  ]);
  expect(r.byUnit.map((c) => [c.label, c.revenue.current, c.revenue.previous])).toEqual([['Sales/East', '3000.75', '2000.00']]);
  // What moved revenue most against last week, either way (at most five per breakdown).
  const moves = (m: { up: Array<{ label: string; change: string }>; down: Array<{ label: string; change: string }> }) => ({ up: m.up.map((c) => [c.label, c.change]), down: m.down.map((c) => [c.label, c.change]) });
  expect(moves(r.largestChanges.rep)).toEqual({ up: [['Amy Rep', '1500.75']], down: [['Bob Rep', '-500.00']] });
  expect(moves(r.largestChanges.region)).toEqual({ up: [['East', '1500.75']], down: [['North', '-500.00']] });
  expect(moves(r.largestChanges.unit)).toEqual({ up: [['Sales/East', '1000.75']], down: [] });
  expect(r.trend).toHaveLength(12);
  expect(r.trend.slice(-2)).toEqual([
    { label: '2026-W47', revenue: '2000.00', visits: 1, partial: false },
    { label: '2026-W48', revenue: '3000.75', visits: 3, partial: false },
  ]);
  expect(r.otherCurrencies).toEqual([{ currency: 'EUR', revenue: '300.00', deals: 1 }]);
});

test('the week is the reader\'s week: a deal won at Monday 01:00 in Shanghai is Sunday in UTC', async () => {
  const utc = await buildKpiReport(db.em(), w.manager.actor, { period: 'weekly', scope: 'team', at, timezone: 'UTC' });
  expect(utc.revenueWon.current).toBe('3100.75');
});

test('weeks across a change of clocks: the trend buckets follow the local calendar (New York, 1 November 2026)', async () => {
  const r = await buildKpiReport(db.em(), w.foreignRep.actor, { period: 'weekly', scope: 'me', at: new Date('2026-11-04T17:00:00Z'), timezone: 'America/New_York' });
  expect(r.window.label).toBe('2026-W45');
  expect(r.revenueWon).toEqual({ current: '30.00', previous: '70.00', changePercent: '-57.1' });
  expect(r.trend.slice(-3)).toEqual([
    { label: '2026-W43', revenue: '0.00', visits: 0, partial: false },
    { label: '2026-W44', revenue: '70.00', visits: 0, partial: false },
    { label: '2026-W45', revenue: '30.00', visits: 0, partial: false },
  ]);
});

test('an unknown time zone is refused before anything is read', async () => {
  await refused(buildKpiReport(db.em(), w.manager.actor, { period: 'weekly', scope: 'team', at, timezone: 'Mars/Olympus' }), 'invalid_input');
});

test('months and years', async () => {
  const month = await buildKpiReport(db.em(), w.manager.actor, { period: 'monthly', scope: 'team', at, timezone: zone });
  expect(month.window.label).toBe('2026-11');
  // A1 + A2 + A3 (30 November in Shanghai) + P1 + P2.
  expect(month.revenueWon.current).toBe('5100.75');
  const year = await buildKpiReport(db.em(), w.admin.actor, { period: 'yearly', scope: 'org', at, timezone: zone });
  expect(year.revenueWon.current).toBe('12100.75');
});

test('reach: a rep sees their own numbers and cannot ask for the team; only admins see the organisation', async () => {
  const own = await buildKpiReport(db.em(), w.repA.actor, { period: 'weekly', scope: 'me', at, timezone: zone });
  expect(own.revenueWon.current).toBe('3000.75');
  expect(own.byRep.map((c) => c.label)).toEqual(['Amy Rep']);
  await expect(buildKpiReport(db.em(), w.repA.actor, { period: 'weekly', scope: 'team', at, timezone: zone })).rejects.toMatchObject({ code: 'forbidden' });
  await expect(buildKpiReport(db.em(), w.manager.actor, { period: 'weekly', scope: 'org', at, timezone: zone })).rejects.toBeInstanceOf(DomainError);
  await refused(buildKpiReport(db.em(), w.manager.actor, { period: 'weekly', scope: 'org', at, timezone: zone }), 'forbidden');
  // Wes works in West, outside the East manager's subtree.
  const team = await buildKpiReport(db.em(), w.manager.actor, { period: 'weekly', scope: 'team', at, timezone: zone });
  expect(team.byRep.map((c) => c.label)).not.toContain('Wes Rep');
  expect(team.pipeline.stages.find((s) => s.stage === 'quote')).toEqual({ stage: 'quote', count: 1, amount: '3000.00' });
  const west = await buildKpiReport(db.em(), w.repW.actor, { period: 'weekly', scope: 'me', at, timezone: zone });
  expect(west.revenueWon.current).toBe('5000.00');
  const org = await buildKpiReport(db.em(), w.admin.actor, { period: 'weekly', scope: 'org', at, timezone: zone });
  expect(org.revenueWon.current).toBe('8000.75');
  expect(org.pipeline.stages.find((s) => s.stage === 'quote')).toEqual({ stage: 'quote', count: 2, amount: '12999.00' });
  const foreign = await buildKpiReport(db.em(), w.foreignRep.actor, { period: 'weekly', scope: 'me', at, timezone: zone });
  expect(foreign.revenueWon.current).toBe('0.00');
});

test('by product: the lines of the accepted quotes of deals won in the period', async () => {
  const em = db.em();
  const a1 = await em.findOneOrFail(Opportunity, { title: 'A1' });
  const product = em.create(Product, { tenantId: w.tenant.id, sku: 'SKU-W', name: 'Widget', searchName: 'widget', listPrice: '100.00', currency: 'USD' } as Product);
  await em.flush();
  const quote = em.create(Quote, { tenantId: w.tenant.id, number: 'Q-2026-9001', customerId: a1.customerId, opportunityId: a1.id, ownerId: a1.ownerId, currency: 'USD', status: 'accepted', extraPercentOff: '0', total: '1000.50', validUntil: '2026-12-31' } as Quote);
  const draft = em.create(Quote, { tenantId: w.tenant.id, number: 'Q-2026-9002', customerId: a1.customerId, opportunityId: a1.id, ownerId: a1.ownerId, currency: 'USD', status: 'rejected', extraPercentOff: '0', total: '5.00', validUntil: '2026-12-31' } as Quote);
  await em.flush();
  em.create(QuoteLine, { quoteId: quote.id, position: 0, productId: product.id, sku: 'SKU-W', name: 'Widget', quantity: 10, listPrice: '100.00', unitPrice: '90.05', total: '900.50', applied: [] } as unknown as QuoteLine);
  em.create(QuoteLine, { quoteId: quote.id, position: 1, productId: product.id, sku: 'SKU-W', name: 'Widget', quantity: 1, listPrice: '100.00', unitPrice: '100.00', total: '100.00', applied: [] } as unknown as QuoteLine);
  em.create(QuoteLine, { quoteId: draft.id, position: 0, productId: product.id, sku: 'SKU-W', name: 'Widget', quantity: 1, listPrice: '5.00', unitPrice: '5.00', total: '5.00', applied: [] } as unknown as QuoteLine);
  await em.flush();
  const r = await buildKpiReport(db.em(), w.manager.actor, { period: 'weekly', scope: 'team', at, timezone: zone });
  expect(r.byProduct.map((c) => [c.key, c.label, c.revenue.current, c.dealsWon])).toEqual([['SKU-W', 'Widget', '1000.50', 1]]);
  // Reach still applies: West's rep sees no product revenue of East's deals.
  const west = await buildKpiReport(db.em(), w.repW.actor, { period: 'weekly', scope: 'me', at, timezone: zone });
  expect(west.byProduct).toEqual([]);
});
