import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import { forecastCsv } from '../../../src/cards/presenters/forecast-csv';
import { accuracyLine } from '../../../src/cards/presenters/forecast-card';
import { translator } from '../../../src/cards/i18n/i18n';
import { forecastRefreshJob } from '../../../src/jobs/forecast-refresh.job';
import { exportForecastCommand } from '../../../src/cli/export-forecast.command';
import type { JobContext } from '../../../src/jobs/job-definition';
import { addForecastFactor } from '../../../src/domain/forecasting/add-forecast-factor';
import { buildForecast } from '../../../src/domain/forecasting/build-forecast';
import { forecastAccuracy } from '../../../src/domain/forecasting/forecast-accuracy';
import { periodSeries } from '../../../src/domain/forecasting/forecast-series';
import { recordForecast, reachKey } from '../../../src/domain/forecasting/record-forecast';
import { newId } from '../../../src/domain/shared/ids';
import { makeCustomer } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeOrgWorld, refused, type OrgWorld } from '../domain/domain-world';

/**
 * Forecasts on real PostgreSQL: the series are exactly what was won (to the cent, per month,
 * region and product, in the tenant's time zone), each person sees their own reach, market
 * factors move the right part, the pipeline sits beside, and published forecasts are judged
 * against what was won.
 */
let db: TestDatabase;
let w: OrgWorld;
const zone = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const now = local('2026-12-03T10:00');
// 30 months of history: June 2024 to November 2026.
const months = Array.from({ length: 30 }, (_, i) => DateTime.fromObject({ year: 2024, month: 6 }, { zone }).plus({ months: i }));
const seasonal = (i: number) => new Decimal(1000 + 30 * i).plus(400 * Math.sin((2 * Math.PI * i) / 12)).toDecimalPlaces(2);
type Line = { sku: string; name: string; category: string; amount: Decimal };
const expected = { total: new Map<string, Decimal>(), east: new Map<string, Decimal>(), own: new Map<string, Decimal>(), sku: new Map<string, Decimal>() };
const add = (m: Map<string, Decimal>, k: string, v: Decimal.Value) => m.set(k, (m.get(k) ?? new Decimal(0)).plus(v));

async function won(owner: { id: string }, customerId: string, closedAt: Date, lines: Line[], region: string | null) {
  const conn = db.em().getConnection();
  const id = newId();
  const amount = lines.reduce((s, l) => s.plus(l.amount), new Decimal(0)).toFixed(2);
  await conn.execute(
    `insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, stage, stage_changed_at, probability, closed_at, region, created_at, updated_at, score_inputs)
     values (?, ?, ?, ?, 'Order', ?, 'USD', 'won', ?, 100, ?, ?, ?, ?, '{}')`,
    [id, w.tenant.id, customerId, owner.id, amount, closedAt, closedAt, region, closedAt, closedAt],
  );
  for (const [n, l] of lines.entries()) {
    await conn.execute(`insert into order_lines (id, tenant_id, opportunity_id, line_no, sku, name, category, quantity, amount, currency) values (?, ?, ?, ?, ?, ?, ?, 1, ?, 'USD')`, [newId(), w.tenant.id, id, n + 1, l.sku, l.name, l.category, l.amount.toFixed(2)]);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  w = await makeOrgWorld(db);
  const em = db.em();
  await em.getConnection().execute(`update tenants set default_timezone = ?, default_currency = 'USD' where id = ?`, [zone, w.tenant.id]);
  const east = await makeCustomer(em, w.tenant, w.repA.user, 'East Buyer', { region: 'East' });
  const west = await makeCustomer(em, w.tenant, w.repW.user, 'West Buyer', { region: 'West' });
  for (const [i, m] of months.entries()) {
    const a = seasonal(i);
    const widget = a.times(0.6).toDecimalPlaces(2);
    const gadget = a.minus(widget);
    // Rep A sells in East, and once a quarter the same customer buys in North (the order's own region).
    const region = i % 3 === 0 ? 'North' : null;
    await won(w.repA.user, east.id, m.plus({ days: 3, hours: 10 }).toJSDate(), [{ sku: 'W-1', name: 'Widget', category: 'Hardware', amount: widget }, { sku: 'G-1', name: 'Gadget', category: 'Hardware', amount: gadget }], region);
    const key = m.toFormat('yyyy-LL');
    add(expected.total, key, a);
    add(expected.own, key, a);
    if (!region) add(expected.east, key, a);
    add(expected.sku, `W-1|${key}`, widget);
    await won(w.repW.user, west.id, m.plus({ days: 10 }).toJSDate(), [{ sku: 'W-1', name: 'Widget', category: 'Hardware', amount: new Decimal(500) }], null);
    add(expected.total, key, 500);
    add(expected.sku, `W-1|${key}`, 500);
  }
  // Half past midnight on 1 November in Shanghai is still October in UTC: it is November here.
  await won(w.repA.user, east.id, local('2026-11-01T00:30'), [{ sku: 'G-1', name: 'Gadget', category: 'Hardware', amount: new Decimal('0.01') }], null);
  add(expected.total, '2026-11', '0.01');
  add(expected.own, '2026-11', '0.01');
  add(expected.east, '2026-11', '0.01');
}, 120_000);
afterAll(async () => {
  await db.drop();
});

const reachOf = (over: Partial<{ person: string; units: string[]; members: string[] }> = {}) => ({ tenantId: w.tenant.id, currency: 'USD', person: null, units: null, members: null, ...over });
const series = (dimension: 'total' | 'region' | 'product', reach = reachOf()) => periodSeries(db.em(), reach, { dimension, period: 'month', from: local('2024-01-01T00:00'), to: local('2026-12-01T00:00'), zone });

test('series are exactly what was won, per month, region and product, to the cent, in the tenant\'s zone', async () => {
  const total = await series('total');
  expect(Object.fromEntries(total.map((r) => [r.period, r.revenue]))).toEqual(Object.fromEntries([...expected.total].map(([k, v]) => [k, v.toFixed(2)])));
  const regions = await series('region');
  // The order's own region wins over the customer's: North is rep A's quarterly orders.
  expect(Object.fromEntries(regions.filter((r) => r.key === 'East').map((r) => [r.period, r.revenue]))).toEqual(Object.fromEntries([...expected.east].map(([k, v]) => [k, v.toFixed(2)])));
  expect(regions.filter((r) => r.key === 'North')).toHaveLength(10);
  const products = await series('product');
  expect(Object.fromEntries(products.filter((r) => r.key === 'W-1').map((r) => [`W-1|${r.period}`, r.revenue]))).toEqual(Object.fromEntries([...expected.sku].map(([k, v]) => [k, v.toFixed(2)])));
  expect(total.find((r) => r.period === '2026-10')?.revenue).toBe(expected.total.get('2026-10')!.toFixed(2));
});

test("a rep's forecast covers only their own history; a manager's only their units'", async () => {
  const own = await buildForecast(db.em(), w.repA.actor, { scope: 'me', by: 'total', months: 3, now });
  expect(own.asOf).toBe('2026-12');
  expect(Object.fromEntries(own.lines[0]!.history.map((h) => [h.month, h.revenue]))).toEqual(Object.fromEntries([...expected.own].map(([k, v]) => [k, v.toFixed(2)])));
  const team = await buildForecast(db.em(), w.manager.actor, { scope: 'team', by: 'total', months: 3, now });
  expect(team.lines[0]!.history.at(-1)?.revenue).toBe(expected.own.get('2026-11')!.toFixed(2));
  await refused(buildForecast(db.em(), w.repA.actor, { scope: 'team', by: 'total', months: 3, now }), 'forbidden');
  const org = await buildForecast(db.em(), w.admin.actor, { scope: 'org', by: 'total', months: 6, now });
  const f = org.lines[0]!;
  expect(f.forecast).toHaveLength(6);
  expect(f.forecast.map((p) => p.month)).toEqual(['2026-12', '2027-01', '2027-02', '2027-03', '2027-04', '2027-05']);
  for (const p of f.forecast) {
    expect(p.low95).toBeLessThanOrEqual(p.low80);
    expect(p.low80).toBeLessThanOrEqual(p.point);
    expect(p.point).toBeLessThanOrEqual(p.high80);
    expect(p.high80).toBeLessThanOrEqual(p.high95);
  }
  expect(f.reason.length).toBeGreaterThan(5);
});

test('market factors: admins only; a region factor moves that region fully and the total by its share', async () => {
  await refused(addForecastFactor(db.em(), w.repA.actor, { scope: 'all', percent: '+10', fromMonth: '2027-01' }), 'forbidden');
  await refused(addForecastFactor(db.em(), w.admin.actor, { scope: 'region', scopeValue: '', percent: '+10', fromMonth: '2027-01' }), 'invalid_input');
  await refused(addForecastFactor(db.em(), w.admin.actor, { scope: 'all', percent: '+10', fromMonth: '2027-03', untilMonth: '2027-01' }), 'invalid_input');
  await addForecastFactor(db.em(), w.admin.actor, { scope: 'region', scopeValue: 'east', percent: '+10', fromMonth: '2027-01', untilMonth: '2027-02', note: 'new distributor' });
  const byRegion = await buildForecast(db.em(), w.admin.actor, { scope: 'org', by: 'region', months: 3, now });
  const east = byRegion.lines.find((l) => l.key === 'East')!;
  expect(east.forecast.map((p) => p.factor)).toEqual([1, 1.1, 1.1]);
  expect(east.forecast[1]!.point).toBeCloseTo(east.forecast[1]!.baseline * 1.1, 1);
  expect(byRegion.lines.find((l) => l.key === 'West')!.forecast.map((p) => p.factor)).toEqual([1, 1, 1]);
  const total = await buildForecast(db.em(), w.admin.actor, { scope: 'org', by: 'total', months: 3, now });
  // East's share of the last 12 months' sold lines, times 10 %.
  const last12 = months.slice(-12).map((m) => m.toFormat('yyyy-LL'));
  const eastShare = last12.reduce((s, m) => s.plus(expected.east.get(m) ?? 0), new Decimal(0)).dividedBy(last12.reduce((s, m) => s.plus(expected.total.get(m)!), new Decimal(0)));
  expect(total.lines[0]!.forecast[1]!.factor).toBeCloseTo(1 + 0.1 * eastShare.toNumber(), 3);
  expect(total.factors.map((f) => f.note)).toEqual(['new distributor']);
});

test('the open pipeline by expected close month: weighted, commit, best case', async () => {
  const conn = db.em().getConnection();
  const customer = await makeCustomer(db.em(), w.tenant, w.repB.user, 'Pipeline Co', { region: 'East' });
  const open = (stage: string, probability: number, amount: string, close: string | null) =>
    conn.execute(`insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, stage, stage_changed_at, probability, expected_close_date, created_at, updated_at, score_inputs) values (?, ?, ?, ?, 'Open', ?, 'USD', ?, now(), ?, ?, now(), now(), '{}')`, [newId(), w.tenant.id, customer.id, w.repB.user.id, amount, stage, probability, close]);
  await open('negotiation', 60, '1000.00', '2027-01-15');
  await open('quote', 80, '500.00', '2027-01-20');
  await open('solution', 30, '2000.00', '2027-02-01');
  await open('quote', 40, '300.00', '2026-10-01');
  await open('initial_contact', 10, '700.00', null);
  const f = await buildForecast(db.em(), w.repB.actor, { scope: 'me', by: 'total', months: 3, now });
  expect(f.pipeline.months).toEqual([
    { month: '2026-12', deals: 0, weighted: '0.00', commit: '0.00', bestCase: '0.00' },
    { month: '2027-01', deals: 2, weighted: '1000.00', commit: '1500.00', bestCase: '1500.00' },
    { month: '2027-02', deals: 1, weighted: '600.00', commit: '0.00', bestCase: '2000.00' },
  ]);
  expect(f.pipeline.overdue).toMatchObject({ deals: 1, bestCase: '300.00' });
  expect(f.pipeline.undated).toMatchObject({ deals: 1, bestCase: '700.00' });
});

test('published forecasts are kept once per month and judged against what was won', async () => {
  const asOf = await buildForecast(db.em(), w.admin.actor, { scope: 'org', by: 'total', months: 3, asOf: '2026-09' });
  expect(asOf.lines[0]!.history.at(-1)!.month).toBe('2026-08');
  expect(await recordForecast(db.em(), w.tenant.id, reachKey('org', w.admin.user.id), asOf)).toBe(3);
  expect(await recordForecast(db.em(), w.tenant.id, reachKey('org', w.admin.user.id), asOf)).toBe(0);
  const accuracy = await forecastAccuracy(db.em(), w.admin.actor, { scope: 'org', now });
  expect(accuracy.months.map((m) => m.month)).toEqual(['2026-09']);
  const september = accuracy.months[0]!;
  expect(september.actual).toBe(expected.total.get('2026-09')!.toFixed(2));
  const error = new Decimal(september.actual).minus(september.point).abs().dividedBy(september.actual).times(100).toFixed(1);
  expect(accuracy.mape).toBe(error);
  expect(['0', '100']).toContain(accuracy.coverage80);
  // The line the monthly report adds.
  expect(accuracyLine(accuracy, { t: translator('en'), locale: 'en' })).toEqual([`Forecasts of the last 1 months: average error ${error}%, ${accuracy.coverage80}% inside the 80 % range · Error vs same month last year ${accuracy.mase}`]);
});

test('the CSV for planners: actuals then forecasts per key, with intervals, baseline, factor and model', async () => {
  const f = await buildForecast(db.em(), w.admin.actor, { scope: 'org', by: 'product', months: 2, now });
  const rows = forecastCsv(f).trim().split('\n');
  expect(rows[0]).toBe('key,month,kind,value,low80,high80,low95,high95,baseline,factor,model');
  expect(rows).toContain(`W-1,2026-10,actual,${expected.sku.get('W-1|2026-10')!.toFixed(2)},,,,,,,`);
  expect(rows.filter((r) => r.startsWith('W-1,') && r.includes(',forecast,'))).toHaveLength(2);
});

test('the monthly refresh keeps the company forecast in total and per region, product and category, once per month', async () => {
  const run = () => forecastRefreshJob.handle({ tenantId: w.tenant.id, month: '2026-10' }, { em: db.em() } as unknown as JobContext);
  expect(forecastRefreshJob.jobId({ tenantId: w.tenant.id, month: '2026-10' })).toBe(`forecast-refresh.${w.tenant.id}.2026-10`);
  await run();
  const count = async (): Promise<Array<{ dimension: string; n: number }>> => db.em().getConnection().execute(`select dimension, count(*)::int as n from forecast_snapshots where tenant_id = ? and reach = 'org' and made_month = '2026-10-01' group by 1 order by 1`, [w.tenant.id]);
  const first = await count();
  expect(first.map((r: { dimension: string }) => r.dimension)).toEqual(['category', 'product', 'region', 'total']);
  expect(first.find((r: { dimension: string }) => r.dimension === 'total')).toEqual({ dimension: 'total', n: 6 });
  await run();
  expect(await count()).toEqual(first);
  // October has closed by December: its actual is kept beside its forecast.
  await forecastAccuracy(db.em(), w.admin.actor, { scope: 'org', now });
  const [october] = await db.em().getConnection().execute(`select actual::text from forecast_snapshots where tenant_id = ? and reach = 'org' and dimension = 'total' and made_month = '2026-10-01' and month = '2026-10-01'`, [w.tenant.id]);
  expect(october.actual).toBe(expected.total.get('2026-10')!.toFixed(2));
});

test('sfa export forecast --as-of: forecasts from the history before that month only, for checking on one\'s own data', async () => {
  const out: string[] = [];
  const err: string[] = [];
  await exportForecastCommand({ orm: db.orm, out: (l) => out.push(l), err: (l) => err.push(l) }, { tenant: w.tenant.slug, by: 'region', months: '3', asOf: '2026-07' });
  const rows = out.join('\n').split('\n');
  expect(rows[0]).toBe('key,month,kind,value,low80,high80,low95,high95,baseline,factor,model');
  const east = rows.filter((r) => r.startsWith('East,'));
  expect(east.filter((r) => r.includes(',actual,')).at(-1)).toMatch(/^East,2026-06,actual,/);
  expect(east.filter((r) => r.includes(',forecast,')).map((r) => r.split(',')[1])).toEqual(['2026-07', '2026-08', '2026-09']);
  await expect(exportForecastCommand({ orm: db.orm, out: () => undefined, err: () => undefined }, { tenant: w.tenant.slug, by: 'colour' })).rejects.toThrow(/--by must be one of/);
});

test('weekly series too: weeks start on Monday in the tenant\'s zone and sum to the month', async () => {
  const weeks = await periodSeries(db.em(), reachOf(), { dimension: 'total', period: 'week', from: local('2026-10-26T00:00'), to: local('2026-12-01T00:00'), zone });
  expect(weeks.every((w) => DateTime.fromISO(w.period, { zone }).weekday === 1)).toBe(true);
  // November's deals (the 4th, the 11th, and 00:30 on the 1st, a Sunday: the week of 26 October) in the weeks that hold them.
  const total = weeks.reduce((s, w) => s.plus(w.revenue), new Decimal(0));
  expect(total.toFixed(2)).toBe(expected.total.get('2026-11')!.toFixed(2));
  expect(weeks.find((w) => w.period === '2026-10-26')?.revenue).toBe('0.01');
});

test('a deal with both order lines and an accepted quote counts its order lines only, as reports do', async () => {
  const conn = db.em().getConnection();
  const customer = await makeCustomer(db.em(), w.tenant, w.repB.user, 'Both Ways Ltd', { region: 'East' });
  const productId = newId();
  await conn.execute(`insert into products (id, tenant_id, sku, name, search_name, list_price, currency, active, created_at, updated_at) values (?, ?, 'X-1', 'Both', 'both', 100, 'USD', true, now(), now())`, [productId, w.tenant.id]);
  const at = local('2024-02-10T10:00');
  const dealId = newId();
  await conn.execute(`insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, stage, stage_changed_at, probability, closed_at, created_at, updated_at, score_inputs) values (?, ?, ?, ?, 'Both', '100.00', 'USD', 'won', ?, 100, ?, ?, ?, '{}')`, [dealId, w.tenant.id, customer.id, w.repB.user.id, at, at, at, at]);
  await conn.execute(`insert into order_lines (id, tenant_id, opportunity_id, line_no, sku, name, quantity, amount, currency) values (?, ?, ?, 1, 'X-1', 'Both', 1, '100.00', 'USD')`, [newId(), w.tenant.id, dealId]);
  const quoteId = newId();
  await conn.execute(`insert into quotes (id, tenant_id, number, customer_id, owner_id, opportunity_id, currency, status, extra_percent_off, total, valid_until, created_at, updated_at) values (?, ?, 'Q-2024-0001', ?, ?, ?, 'USD', 'accepted', 0, '100.00', '2024-03-01', now(), now())`, [quoteId, w.tenant.id, customer.id, w.repB.user.id, dealId]);
  await conn.execute(`insert into quote_lines (id, quote_id, position, product_id, sku, name, quantity, list_price, unit_price, total, applied) values (?, ?, 0, ?, 'X-1', 'Both', 1, 100, 100, '100.00', '[]')`, [newId(), quoteId, productId]);
  const rows = await periodSeries(db.em(), reachOf(), { dimension: 'product', period: 'month', from: local('2024-01-01T00:00'), to: local('2024-03-01T00:00'), zone });
  expect(rows.filter((r) => r.key === 'X-1')).toEqual([{ key: 'X-1', label: 'Both', period: '2024-02', revenue: '100.00', quantity: '1.000' }]);
});
