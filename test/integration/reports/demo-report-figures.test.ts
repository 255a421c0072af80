import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { seedDemo } from '../../../src/cli/seed-demo.command';
import { buildKpiReport, type KpiReport } from '../../../src/domain/reports/build-kpi-report';
import type { ReportPeriod } from '../../../src/domain/report-subscriptions/report-subscription.entity';
import { userActor } from '../../../src/domain/shared/actor';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

/**
 * The demo tenant's reports, figure by figure, against SQL written here from the product's rules
 * (not from kpi-queries.ts): the admin's organisation report, a manager's team report and a rep's
 * own report, for a past month, a month to date, a past ISO week and a year to date, in the
 * demo's zone (and the same in Los Angeles). Every figure is compared as a string to the cent.
 *
 * The demo data is in one currency, whole hundreds and without quotes, so a few rows are added
 * (clearly apart, below) to give the comparison something to bite on: amounts with cents, deals
 * in USD and EUR, accepted (and not accepted) quotes with lines, a customer without a region, a
 * pool customer, a sub-unit of the manager's unit with history stamped in it, rows on either side
 * of a day boundary in one zone but not the other, and a pipeline deal that moved stage since.
 * Imported orders: deals with their own region (not their customer's) and order lines, and deals
 * with both order lines and an accepted quote (the order's lines count, the quote's do not).
 */

jest.setTimeout(30_000);

const demoZone = 'Asia/Shanghai';
const otherZone = 'America/Los_Angeles';
const now = new Date('2026-12-03T10:00:00+08:00');
const openStageList = ['initial_contact', 'solution', 'quote', 'negotiation'] as const;

let db: TestDatabase;
let tenantId: string;
let currency: string;
let admin: { id: string; name: string };
let manager: { id: string; name: string; unitId: string };
let rep: { id: string; name: string };
let subRep: { id: string; name: string };
let otherUnitId: string;

type Who = { scope: 'org' } | { scope: 'team'; managerId: string } | { scope: 'me'; personId: string };

// ---------------------------------------------------------------------------------------------
// SQL helpers: literals only (every value is ours: ids from the database, dates, fixed words).
// ---------------------------------------------------------------------------------------------

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const tsLit = (d: Date) => `${lit(d.toISOString())}::timestamptz`;
const ms = (expr: string) => `(extract(epoch from ${expr}) * 1000)::bigint::text`;
const sql = async <T = Record<string, unknown>>(text: string): Promise<T[]> => db.em().getConnection().execute(text);
const one = async <T = Record<string, unknown>>(text: string): Promise<T> => (await sql<T>(text))[0]!;

/** A figure now and before, in SQL: both as fixed-point text, the change in percent to 1 decimal (half up), null from nothing. */
const figureSql = (cur: string, prev: string, scale: 0 | 2) => `json_build_object(
  'current', (${cur})::numeric(30, ${scale})::text,
  'previous', (${prev})::numeric(30, ${scale})::text,
  'changePercent', case when (${prev}) = 0 then null else round(((${cur})::numeric - (${prev})::numeric) * 100 / (${prev})::numeric, 1)::text end)`;

/** Won share of closed deals in percent, unrounded (null when none closed). */
const rateSql = (won: string, lost: string) => `(case when (${won}) + (${lost}) = 0 then null else (${won})::numeric * 100 / ((${won}) + (${lost})) end)`;

/** Whose rows, for one scope. */
function filters(who: Who) {
  const t = lit(tenantId);
  if (who.scope === 'org') return { deals: (_: string) => 'true', visits: (_: string) => 'true', owners: (_: string) => 'true' };
  if (who.scope === 'me') {
    const p = `${lit(who.personId)}::uuid`;
    return { deals: (a: string) => `${a}.owner_id = ${p}`, visits: (a: string) => `${a}.user_id = ${p}`, owners: (e: string) => `${e} = ${p}` };
  }
  const m = `${lit(who.managerId)}::uuid`;
  // The manager's own unit and the units they manage, each with everything below it (id path prefix).
  const units = `(select below.id from org_units top join org_units below on below.tenant_id = top.tenant_id and starts_with(below.id_path, top.id_path)
     where top.tenant_id = ${t} and (top.id = (select org_unit_id from users where id = ${m}) or top.manager_id = ${m}))`;
  const members = `(select id from users where tenant_id = ${t} and org_unit_id in ${units})`;
  return { deals: (a: string) => `${a}.closed_unit_id in ${units}`, visits: (a: string) => `${a}.unit_id in ${units}`, owners: (e: string) => `${e} in ${members}` };
}

const stepOf: Record<'weekly' | 'monthly' | 'yearly', string> = { weekly: `interval '1 week'`, monthly: `interval '1 month'`, yearly: `interval '1 year'` };
const truncOf = { weekly: 'week', monthly: 'month', yearly: 'year' } as const;
const labelFormatOf = { weekly: `'IYYY-"W"IW'`, monthly: `'YYYY-MM'`, yearly: `'YYYY'` } as const;

type Period = 'weekly' | 'monthly' | 'yearly';
type Window = KpiReport['window'];

/** The period around `at` in the zone, as it stood at `asOf`, computed by PostgreSQL's calendar. */
async function expectedWindow(period: Period, at: Date, asOf: Date, zone: string): Promise<Window> {
  const z = lit(zone);
  const step = stepOf[period];
  // How far into the period `asOf` is: days and time for weeks and months, months, days and time for years.
  const elapsed = period === 'yearly' ? `age(e at time zone ${z}, s_l)` : `((e at time zone ${z}) - s_l)`;
  const row = await one<{ label: string; s: string; e: string; to_date: boolean; ps: string; pe: string; trend: string[] }>(`
    with a as (select date_trunc('${truncOf[period]}', ${tsLit(at)} at time zone ${z}) as s_l, ${tsLit(asOf)} as as_of),
    b as (select s_l, as_of, s_l at time zone ${z} as s, (s_l + ${step}) at time zone ${z} as period_end, s_l - ${step} as ps_l from a),
    c as (select *, as_of < period_end as to_date, case when as_of < period_end then greatest(as_of, s) else period_end end as e from b)
    select to_char(s_l, ${labelFormatOf[period]}) as label, ${ms('s')} as s, ${ms('e')} as e, to_date, ${ms(`(ps_l at time zone ${z})`)} as ps,
           ${ms(`(case when to_date then least((ps_l + ${elapsed}) at time zone ${z}, s) else s end)`)} as pe,
           array(select ${ms(`(g at time zone ${z})`)} from generate_series(s_l - 11 * ${step}, s_l, ${step}) g order by g) as trend
      from c`);
  const date = (v: string | number) => new Date(Number(v));
  return {
    period,
    label: row.label,
    start: date(row.s),
    end: date(row.e),
    toDate: row.to_date,
    previousStart: date(row.ps),
    previousEnd: date(row.pe),
    trendStarts: row.trend.map(date),
  };
}

type Contributor = KpiReport['byRep'][number];

/** Won revenue per row of a breakdown, this period and the one before (tenant currency), with deals won now in any currency. */
async function expectedBreakdown(name: 'rep' | 'unit' | 'region' | 'product', w: Window, who: Who): Promise<Contributor[]> {
  const f = filters(who);
  const cur = lit(currency);
  const rows = {
    rep: `select d.id, d.cur, d.currency, d.owner_id::text as key, u.name as label, d.amount as amt from won d join users u on u.id = d.owner_id`,
    unit: `select d.id, d.cur, d.currency, coalesce(d.closed_unit_id::text, '') as key, coalesce(ou.name_path, '') as label, d.amount as amt
             from won d left join org_units ou on ou.id = d.closed_unit_id`,
    // The deal's own region (an imported order's), else its customer's.
    region: `select d.id, d.cur, d.currency, r.region as key, r.region as label, d.amount as amt
               from won d join customers c on c.id = d.customer_id
               cross join lateral (select case when d.region is not null then d.region when c.region is not null then c.region else '' end as region) r`,
    // What the deal sold: its order's lines if it was imported from one, else its accepted quotes' lines.
    product: `select d.id, d.cur, d.currency, l.sku as key, l.name as label, l.amount as amt
                from won d join order_lines l on l.opportunity_id = d.id and l.currency = d.currency
              union all
              select d.id, d.cur, d.currency, l.sku as key, l.name as label, l.total as amt
                from won d join quotes q on q.opportunity_id = d.id and q.status = 'accepted' and q.currency = d.currency
                join quote_lines l on l.quote_id = q.id
               where d.id not in (select opportunity_id from order_lines)`,
  }[name];
  const row = await one<{ rows: Contributor[] }>(`
    with won as (
      select o.*, (o.closed_at >= ${tsLit(w.start)} and o.closed_at < ${tsLit(w.end)}) as cur
        from opportunities o
       where o.tenant_id = ${lit(tenantId)} and o.stage = 'won' and ${f.deals('o')}
         and ((o.closed_at >= ${tsLit(w.start)} and o.closed_at < ${tsLit(w.end)}) or (o.closed_at >= ${tsLit(w.previousStart)} and o.closed_at < ${tsLit(w.previousEnd)}))),
    grouped as (
      select key, label,
             coalesce(sum(amt) filter (where cur and currency = ${cur}), 0) as c,
             coalesce(sum(amt) filter (where not cur and currency = ${cur}), 0) as p,
             count(distinct id) filter (where cur) as n
        from (${rows}) x group by key, label)
    select coalesce(json_agg(json_build_object('key', key, 'label', label, 'revenue', ${figureSql('c', 'p', 2)},
             'change', (c - p)::numeric(30, 2)::text, 'dealsWon', n::int)), '[]'::json) as rows
      from grouped`);
  return row.rows;
}

/** Everything the report should say, from the tables. */
async function expectedReport(period: Period, scope: KpiReport['scope'], who: Who, w: Window, zone: string): Promise<KpiReport> {
  const f = filters(who);
  const t = lit(tenantId);
  const cur = lit(currency);
  const inCur = (col: string) => `(${col} >= ${tsLit(w.start)} and ${col} < ${tsLit(w.end)})`;
  const inPrev = (col: string) => `(${col} >= ${tsLit(w.previousStart)} and ${col} < ${tsLit(w.previousEnd)})`;

  const headline = await one<{ r: Pick<KpiReport, 'revenueWon' | 'dealsWon' | 'dealsLost' | 'conversion' | 'visits' | 'newCustomers'> }>(`
    with closed as (
      select o.stage, o.currency, o.amount, ${inCur('o.closed_at')} as cur, ${inPrev('o.closed_at')} as prev
        from opportunities o where o.tenant_id = ${t} and o.stage in ('won', 'lost') and ${f.deals('o')}),
    t as (
      select coalesce(sum(amount) filter (where stage = 'won' and currency = ${cur} and cur), 0) as rev_c,
             coalesce(sum(amount) filter (where stage = 'won' and currency = ${cur} and prev), 0) as rev_p,
             count(*) filter (where stage = 'won' and cur) as won_c, count(*) filter (where stage = 'won' and prev) as won_p,
             count(*) filter (where stage = 'lost' and cur) as lost_c, count(*) filter (where stage = 'lost' and prev) as lost_p
        from closed),
    v as (
      select count(*) filter (where ${inCur('i.occurred_at')}) as c, count(*) filter (where ${inPrev('i.occurred_at')}) as p
        from interactions i where i.tenant_id = ${t} and i.status = 'done' and i.type = 'visit' and ${f.visits('i')}),
    n as (
      select count(*) filter (where ${inCur('c.created_at')}) as c, count(*) filter (where ${inPrev('c.created_at')}) as p
        from customers c where c.tenant_id = ${t} and ${f.owners('coalesce(c.owner_id, c.created_by)')}),
    rates as (select ${rateSql('won_c', 'lost_c')} as rc, ${rateSql('won_p', 'lost_p')} as rp from t)
    select json_build_object(
      'revenueWon', ${figureSql('t.rev_c', 't.rev_p', 2)},
      'dealsWon', ${figureSql('t.won_c', 't.won_p', 0)},
      'dealsLost', ${figureSql('t.lost_c', 't.lost_p', 0)},
      'conversion', json_build_object('current', round(rates.rc, 1)::text, 'previous', round(rates.rp, 1)::text,
                                      'changePoints', round(rates.rc - rates.rp, 1)::text),
      'visits', ${figureSql('v.c', 'v.p', 0)},
      'newCustomers', ${figureSql('n.c', 'n.p', 0)}) as r
    from t, v, n, rates`);

  // Open deals: now (a report to date), or as they stood at the end of a past period.
  const open = w.toDate
    ? `select o.stage, o.currency, o.amount from opportunities o
        where o.tenant_id = ${t} and o.stage in ('initial_contact', 'solution', 'quote', 'negotiation') and ${f.owners('o.owner_id')}`
    : `select s.stage, o.currency, o.amount from opportunities o
         join (select distinct on (opportunity_id) opportunity_id, to_stage as stage from opportunity_stage_changes
                where tenant_id = ${t} and changed_at < ${tsLit(w.end)} order by opportunity_id, changed_at desc) s on s.opportunity_id = o.id
        where o.tenant_id = ${t} and o.created_at < ${tsLit(w.end)} and (o.closed_at is null or o.closed_at >= ${tsLit(w.end)})
          and s.stage in ('initial_contact', 'solution', 'quote', 'negotiation') and ${f.owners('o.owner_id')}`;
  const pipeline = await one<{ p: Omit<KpiReport['pipeline'], 'asOf'> }>(`
    with open as (${open}), st(stage, ord) as (values ('initial_contact', 1), ('solution', 2), ('quote', 3), ('negotiation', 4))
    select json_build_object(
      'stages', (select json_agg(json_build_object('stage', st.stage,
                   'count', (select count(*) from open where open.stage = st.stage and open.currency = ${cur})::int,
                   'amount', (select coalesce(sum(amount), 0) from open where open.stage = st.stage and open.currency = ${cur})::numeric(30, 2)::text) order by st.ord) from st),
      'otherCurrencies', coalesce((select json_agg(x order by x.currency) from (
                   select currency, count(*)::int as count, sum(amount)::numeric(30, 2)::text as amount from open where currency <> ${cur} group by currency) x), '[]'::json)) as p`);

  // The last 12 periods in the reader's zone, the last one cut at the report's end.
  const z = lit(zone);
  const step = stepOf[period];
  const trend = await one<{ t: KpiReport['trend'] }>(`
    select json_agg(json_build_object(
      'label', to_char(g, ${labelFormatOf[period]}),
      'revenue', (select coalesce(sum(o.amount), 0) from opportunities o
                   where o.tenant_id = ${t} and o.stage = 'won' and o.currency = ${cur} and ${f.deals('o')}
                     and o.closed_at >= (g at time zone ${z}) and o.closed_at < least((g + ${step}) at time zone ${z}, ${tsLit(w.end)}))::numeric(30, 2)::text,
      'visits', (select count(*) from interactions i
                  where i.tenant_id = ${t} and i.status = 'done' and i.type = 'visit' and ${f.visits('i')}
                    and i.occurred_at >= (g at time zone ${z}) and i.occurred_at < least((g + ${step}) at time zone ${z}, ${tsLit(w.end)}))::int,
      'partial', ${w.toDate} and g = (${tsLit(w.start)} at time zone ${z})) order by g) as t
    from generate_series((${tsLit(w.start)} at time zone ${z}) - 11 * ${step}, ${tsLit(w.start)} at time zone ${z}, ${step}) g`);

  const other = await one<{ o: KpiReport['otherCurrencies'] }>(`
    select coalesce(json_agg(x order by x.currency), '[]'::json) as o from (
      select o.currency, sum(o.amount)::numeric(30, 2)::text as revenue, count(*)::int as deals from opportunities o
       where o.tenant_id = ${t} and o.stage = 'won' and o.currency <> ${cur} and ${inCur('o.closed_at')} and ${f.deals('o')}
       group by o.currency) x`);

  const [byRep, byUnit, byRegion, byProduct] = await Promise.all(
    (['rep', 'unit', 'region', 'product'] as const).map((name) => expectedBreakdown(name, w, who)),
  );
  return {
    scope,
    window: w,
    timezone: zone,
    currency,
    ...headline.r,
    pipeline: { asOf: w.toDate ? null : w.end, ...pipeline.p },
    byRep,
    byUnit,
    byRegion,
    byProduct,
    largestChanges: { rep: moved(byRep), unit: moved(byUnit), region: moved(byRegion), product: moved(byProduct) },
    trend: trend.t,
    otherCurrencies: other.o,
    history: 'unit_at_the_time',
  };
}

/** The 3 rows with the largest rise and the 3 with the largest fall (ties by label). */
function moved(rows: Contributor[]): { up: Contributor[]; down: Contributor[] } {
  const pick = (sign: 1 | -1) =>
    rows
      .filter((r) => Math.sign(Number(r.change)) === sign)
      .sort((a, b) => sign * (Number(b.change) - Number(a.change)) || a.label.localeCompare(b.label))
      .slice(0, 3);
  return { up: pick(1), down: pick(-1) };
}

/** Breakdowns compared as sets (by key); their order is checked apart. */
function byKey(r: KpiReport): KpiReport {
  const sort = (rows: Contributor[]) => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...r, byRep: sort(r.byRep), byUnit: sort(r.byUnit), byRegion: sort(r.byRegion), byProduct: sort(r.byProduct) };
}

// ---------------------------------------------------------------------------------------------
// The demo tenant, with a few rows more.
// ---------------------------------------------------------------------------------------------

async function addEdgeRows(): Promise<void> {
  const t = lit(tenantId);
  const at = (iso: string) => tsLit(DateTime.fromISO(iso, { zone: demoZone }).toJSDate());
  // A sub-unit of the manager's unit, and one of their reps moved into it: what he does from now on is stamped with it.
  const subUnit = randomUUID();
  await sql(`insert into org_units (id, tenant_id, parent_id, name, name_path, id_path, manager_id, created_at)
             select ${lit(subUnit)}, tenant_id, id, 'Tianjin', name_path || '/Tianjin', id_path || ${lit(subUnit)} || '/', null, now()
               from org_units where id = ${lit(manager.unitId)}`);
  await sql(`update users set org_unit_id = ${lit(subUnit)} where id = ${lit(subRep.id)}`);

  const customer = { noRegion: randomUUID(), pool: randomUUID(), sub: randomUUID() };
  const customerRow = (id: string, name: string, region: string | null, owner: string | null, createdBy: string, created: string) =>
    `(${lit(id)}, ${t}, ${lit(name)}, ${lit(name.toLowerCase())}, ${region ? lit(region) : 'null'}, ${owner ? lit(owner) : 'null'}, ${lit(createdBy)}, ${at(created)}, ${at(created)})`;
  await sql(`insert into customers (id, tenant_id, name, search_name, region, owner_id, created_by, created_at, updated_at) values
    ${customerRow(customer.noRegion, 'Edge Case Trading Ltd', null, rep.id, rep.id, '2026-11-20T10:00')},
    ${customerRow(customer.pool, 'Pool Midnight Co', null, null, rep.id, '2026-12-01T00:30')},
    ${customerRow(customer.sub, '天津边缘测试有限公司', 'North', subRep.id, subRep.id, '2026-11-05T10:00')}`);

  type Move = [stage: string, when: string];
  const deal = async (owner: string, customerId: string, title: string, amount: string, cur: string, created: string, moves: Move[]) => {
    const id = randomUUID();
    const [stage, last] = moves[moves.length - 1]!;
    const closed = stage === 'won' || stage === 'lost' ? at(last) : 'null';
    await sql(`insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, stage, stage_changed_at, probability, lost_reason, closed_at, created_at, updated_at)
               values (${lit(id)}, ${t}, ${lit(customerId)}, ${lit(owner)}, ${lit(title)}, ${amount}, ${lit(cur)}, ${lit(stage)}, ${at(last)}, 50,
                       ${stage === 'lost' ? `'price'` : 'null'}, ${closed}, ${at(created)}, ${at(last)})`);
    for (const [i, [to, when]] of moves.entries()) {
      await sql(`insert into opportunity_stage_changes (id, tenant_id, opportunity_id, from_stage, to_stage, changed_by, changed_at)
                 values (${lit(randomUUID())}, ${t}, ${lit(id)}, ${i === 0 ? 'null' : lit(moves[i - 1]![0])}, ${lit(to)}, ${lit(owner)}, ${at(when)})`);
    }
    return id;
  };
  // Just after midnight on 1 December in Shanghai: still 30 November in Los Angeles.
  await deal(rep.id, customer.noRegion, 'Cents after midnight', '1234.56', 'CNY', '2026-10-01T10:00', [['initial_contact', '2026-10-01T10:00'], ['won', '2026-12-01T00:30']]);
  // 1 November 08:00 in Shanghai: 31 October in Los Angeles.
  await deal(rep.id, customer.noRegion, 'Early November', '2500.25', 'CNY', '2026-10-02T10:00', [['initial_contact', '2026-10-02T10:00'], ['won', '2026-11-01T08:00']]);
  await deal(rep.id, customer.noRegion, 'Dollar win', '12345.67', 'USD', '2026-10-03T10:00', [['initial_contact', '2026-10-03T10:00'], ['won', '2026-11-10T10:00']]);
  await deal(rep.id, customer.noRegion, 'Euro win W48', '999.99', 'EUR', '2026-10-04T10:00', [['initial_contact', '2026-10-04T10:00'], ['won', '2026-11-24T10:00']]);
  await deal(rep.id, customer.noRegion, 'Dollar loss', '800.00', 'USD', '2026-10-05T10:00', [['initial_contact', '2026-10-05T10:00'], ['lost', '2026-11-12T10:00']]);
  await deal(rep.id, customer.noRegion, 'Dollar win in December', '500.50', 'USD', '2026-10-06T10:00', [['initial_contact', '2026-10-06T10:00'], ['won', '2026-12-02T10:00']]);
  await deal(rep.id, customer.noRegion, 'Open in dollars', '7777.77', 'USD', '2026-10-07T10:00', [['initial_contact', '2026-10-07T10:00'], ['quote', '2026-11-15T10:00']]);
  // In solution at the end of November (and of W48), in negotiation now.
  await deal(rep.id, customer.noRegion, 'Moved on since', '4321.09', 'CNY', '2026-11-20T10:00', [['initial_contact', '2026-11-20T10:00'], ['solution', '2026-11-26T10:00'], ['negotiation', '2026-12-02T10:00']]);
  await deal(subRep.id, customer.sub, '子单位赢单', '3333.33', 'CNY', '2026-10-08T10:00', [['initial_contact', '2026-10-08T10:00'], ['won', '2026-11-18T10:00']]);
  await deal(subRep.id, customer.sub, '子单位输单', '100.01', 'CNY', '2026-10-09T10:00', [['initial_contact', '2026-10-09T10:00'], ['lost', '2026-11-25T10:00']]);
  // Imported orders: sold in a region that is not the customer's (or where the customer has none), with their lines.
  const orderDeal = async (owner: string, customerId: string, orderId: string, region: string, cur: string, when: string, lines: [sku: string, name: string, amount: string][]) => {
    const amount = lines.reduce((sum, l) => sum + Math.round(Number(l[2]) * 100), 0) / 100;
    const id = await deal(owner, customerId, `Order ${orderId}`, amount.toFixed(2), cur, when, [['won', when]]);
    await sql(`update opportunities set region = ${lit(region)}, source_order_id = ${lit(orderId)} where id = ${lit(id)}`);
    await sql(`insert into order_lines (id, tenant_id, opportunity_id, line_no, sku, name, quantity, amount, currency) values
      ${lines.map(([sku, name, amt], i) => `(${lit(randomUUID())}, ${t}, ${lit(id)}, ${i + 1}, ${lit(sku)}, ${lit(name)}, 1, ${amt}, ${lit(cur)})`).join(', ')}`);
  };
  await orderDeal(subRep.id, customer.sub, 'ERP-EDGE-1', 'Overseas', 'CNY', '2026-11-21T00:00', [['IMP-001', 'Imported widget', '1000.10'], ['IMP-002', '进口配件', '0.05']]);
  await orderDeal(rep.id, customer.noRegion, 'ERP-EDGE-2', 'Overseas', 'CNY', '2026-12-02T00:00', [['IMP-001', 'Imported widget', '77.77']]);
  await orderDeal(rep.id, customer.noRegion, 'ERP-EDGE-3', 'South', 'CNY', '2026-11-05T00:00', [['IMP-002', '进口配件', '12.34']]);

  const interaction = (user: string, customerId: string, type: string, status: string, when: string) =>
    `(${lit(randomUUID())}, ${t}, ${lit(customerId)}, ${lit(user)}, ${lit(type)}, ${lit(status)}, ${at(when)}, ${at(when)}, ${at(when)})`;
  await sql(`insert into interactions (id, tenant_id, customer_id, user_id, type, status, occurred_at, created_at, updated_at) values
    ${interaction(subRep.id, customer.sub, 'visit', 'done', '2026-11-19T10:00')},
    ${interaction(rep.id, customer.noRegion, 'visit', 'done', '2026-12-01T00:30')},
    ${interaction(rep.id, customer.noRegion, 'visit', 'done', '2026-11-01T08:00')},
    ${interaction(rep.id, customer.noRegion, 'call', 'done', '2026-11-10T10:00')},
    ${interaction(rep.id, customer.noRegion, 'visit', 'cancelled', '2026-11-11T10:00')}`);

  // Products, and quotes on won deals: accepted in the deal's currency (counted), sent or in another currency (not).
  const products = [
    { id: randomUUID(), sku: 'SENS-100', name: 'Alpha 传感器' },
    { id: randomUUID(), sku: 'VALV-200', name: 'Beta Valve' },
    { id: randomUUID(), sku: 'PUMP-300', name: 'Gamma Pump' },
  ];
  await sql(`insert into products (id, tenant_id, sku, name, search_name, list_price, currency, created_at, updated_at) values
    ${products.map((p) => `(${lit(p.id)}, ${t}, ${lit(p.sku)}, ${lit(p.name)}, ${lit(p.name.toLowerCase())}, 100.00, 'CNY', now(), now())`).join(', ')}`);
  const productValues = products.map((p, i) => `(${i}, ${lit(p.id)}::uuid, ${lit(p.sku)}, ${lit(p.name)})`).join(', ');
  await sql(`
    with deals as (
      select o.*, row_number() over (order by o.closed_at, o.id) as rn from opportunities o where o.tenant_id = ${t} and o.stage = 'won'),
    products(k, id, sku, name) as (values ${productValues}),
    quoted as (
      select d.id as opportunity_id, d.customer_id, d.owner_id, d.rn, d.amount, d.closed_at, kind.status, kind.currency, gen_random_uuid() as quote_id
        from deals d
        cross join lateral (values ('accepted', d.currency, d.rn % 3 <> 0), ('sent', d.currency, d.rn % 5 = 0), ('accepted', 'USD', d.currency = 'CNY' and d.rn % 7 = 0))
             as kind(status, currency, wanted)
       where kind.wanted),
    q as (
      insert into quotes (id, tenant_id, number, customer_id, opportunity_id, owner_id, currency, status, total, valid_until, created_at, updated_at)
      select quote_id, ${t}, 'Q-' || rn || '-' || status || '-' || currency, customer_id, opportunity_id, owner_id, currency, status, amount,
             (closed_at + interval '30 days')::date, closed_at - interval '3 days', closed_at - interval '1 day'
        from quoted returning id)
    insert into quote_lines (id, quote_id, position, product_id, sku, name, quantity, list_price, unit_price, total)
    select gen_random_uuid(), x.quote_id, line.pos, p.id, p.sku, p.name, 1, line.total, line.total, line.total
      from quoted x
      cross join lateral (values (1, (x.rn % 3)::int, round(x.amount / 3, 2)), (2, ((x.rn + 1) % 3)::int, x.amount - round(x.amount / 3, 2))) as line(pos, k, total)
      join products p on p.k = line.k
     where x.quote_id in (select id from q)`);
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db.em(), { now });
  const tenant = await one<{ id: string; default_currency: string }>(`select id, default_currency from tenants where slug = 'demo'`);
  tenantId = tenant.id;
  currency = tenant.default_currency;
  const t = lit(tenantId);
  const nov = (col: string) => `${col} >= '2026-11-01T00:00+08' and ${col} < '2026-12-01T00:00+08'`;
  admin = await one(`select id, name from users where tenant_id = ${t} and role = 'admin' order by name limit 1`);
  // The manager whose unit closed the most deals last month (all demo units have several reps).
  manager = await one(`
    select u.id, u.name, u.org_unit_id as "unitId" from users u
      join org_units ou on ou.manager_id = u.id
     where u.tenant_id = ${t} and u.role = 'manager'
     order by (select count(*) from opportunities o where o.closed_unit_id = ou.id and o.stage = 'won' and ${nov('o.closed_at')}) desc, u.name limit 1`);
  // Their rep with the most activity last month, and another of their reps (for the sub-unit).
  const reps = await sql<{ id: string; name: string }>(`
    select u.id, u.name from users u
     where u.tenant_id = ${t} and u.role = 'rep' and u.org_unit_id = ${lit(manager.unitId)}
     order by (select count(*) from opportunities o where o.owner_id = u.id and o.stage = 'won' and ${nov('o.closed_at')}) desc,
              (select count(*) from interactions i where i.user_id = u.id and i.status = 'done' and i.type = 'visit' and ${nov('i.occurred_at')}) desc, u.name`);
  rep = reps[0]!;
  subRep = reps[1]!;
  otherUnitId = (await one<{ id: string }>(`select id from org_units where tenant_id = ${t} and parent_id is not null and id <> ${lit(manager.unitId)} order by name_path limit 1`)).id;
  await addEdgeRows();
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

type Case = { name: string; period: Period; at: (zone: string) => Date; toDate: boolean };
const cases: Case[] = [
  { name: 'November 2026 (a past month)', period: 'monthly', at: (z) => DateTime.fromISO('2026-11-15T12:00', { zone: z }).toJSDate(), toDate: false },
  { name: 'December to date (1–3 Dec against 1–3 Nov)', period: 'monthly', at: () => now, toDate: true },
  { name: '2026-W48 (a past ISO week)', period: 'weekly', at: (z) => DateTime.fromISO('2026-11-25T12:00', { zone: z }).toJSDate(), toDate: false },
  { name: '2026 to date', period: 'yearly', at: () => now, toDate: true },
];
type Reader = { name: string; scope: KpiReport['scope']; actor: () => ReturnType<typeof userActor>; who: () => Who };
const readers: Reader[] = [
  { name: "the admin's organisation", scope: 'org', actor: () => userActor(tenantId, admin.id, 'admin'), who: () => ({ scope: 'org' }) },
  { name: "a manager's team", scope: 'team', actor: () => userActor(tenantId, manager.id, 'manager'), who: () => ({ scope: 'team', managerId: manager.id }) },
  { name: "a rep's own", scope: 'me', actor: () => userActor(tenantId, rep.id, 'rep'), who: () => ({ scope: 'me', personId: rep.id }) },
];

async function compare(reader: Reader, c: Case, zone: string): Promise<KpiReport> {
  const at = c.at(zone);
  const report = await buildKpiReport(db.em(), reader.actor(), { period: c.period as ReportPeriod, scope: reader.scope, at, timezone: zone, asOf: now });
  const w = await expectedWindow(c.period, at, now, zone);
  expect(w.toDate).toBe(c.toDate);
  const expected = await expectedReport(c.period, reader.scope, reader.who(), w, zone);
  expect(byKey(report)).toStrictEqual(byKey(expected));
  // Each breakdown lists the largest current revenue first.
  for (const rows of [report.byRep, report.byUnit, report.byRegion, report.byProduct]) {
    const revenue = rows.map((r) => Number(r.revenue.current));
    expect(revenue).toEqual([...revenue].sort((a, b) => b - a));
  }
  return report;
}

describe.each([demoZone, otherZone])('in %s', (zone) => {
  describe.each(readers.map((r) => [r.name, r] as const))('%s report', (_name, reader) => {
    test.each(cases.map((c) => [c.name, c] as const))('%s: every figure matches the SQL', async (_c, c) => {
      const report = await compare(reader, c, zone);
      // Not vacuous: the period has something in it.
      expect(Number(report.dealsWon.current) + Number(report.dealsWon.previous) + Number(report.visits.current)).toBeGreaterThan(0);
    });
  });
});

test('the test data reaches every kind of figure', async () => {
  // The comparisons above would prove little on empty lists: make sure the data has them.
  const team = await buildKpiReport(db.em(), readers[1]!.actor(), { period: 'monthly', scope: 'team', at: cases[0]!.at(demoZone), timezone: demoZone, asOf: now });
  expect(team.byProduct.length).toBeGreaterThan(1);
  expect(team.otherCurrencies.map((o) => o.currency)).toEqual(['EUR', 'USD']);
  expect(team.pipeline.otherCurrencies.map((o) => o.currency)).toEqual(['USD']);
  expect(team.byUnit.map((u) => u.label).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/\/Tianjin$/)]));
  expect(team.byRegion.map((r) => r.key)).toContain('');
  // A deal's own region is reported, not its customer's (North): the order sold overseas shows as such.
  expect(team.byRegion.find((r) => r.key === 'Overseas')?.revenue.current).toBe('1000.15');
  expect(team.byProduct.map((p) => p.key)).toEqual(expect.arrayContaining(['IMP-001', 'IMP-002']));
  // Demo deals won carry an order line; some of them also got an accepted quote above: counted once.
  const both = await one<{ n: number }>(`select count(*)::int as n from opportunities o where o.tenant_id = ${lit(tenantId)} and o.stage = 'won'
     and exists (select 1 from order_lines l where l.opportunity_id = o.id) and exists (select 1 from quotes q where q.opportunity_id = o.id and q.status = 'accepted')`);
  expect(both.n).toBeGreaterThan(0);
  expect(team.largestChanges.rep.up.length + team.largestChanges.rep.down.length).toBeGreaterThan(0);
  expect(team.conversion.current).not.toBeNull();
  // 1 November 08:00 in Shanghai is still October in Los Angeles: there, the rep closed nothing on 1–2 November.
  const own = await buildKpiReport(db.em(), readers[2]!.actor(), { period: 'monthly', scope: 'me', at: now, timezone: otherZone, asOf: now });
  expect(own.conversion).toEqual({ current: '100.0', previous: null, changePoints: null });
  expect(own.revenueWon.changePercent).toBeNull();
});

test("a rep who moves unit takes none of the team's history along", async () => {
  const november = cases[0]!;
  const [, teamReader, repReader] = readers;
  const team = await compare(teamReader!, november, demoZone);
  const own = await compare(repReader!, november, demoZone);
  const otherTeamManager = await one<{ id: string }>(`select manager_id as id from org_units where id = ${lit(otherUnitId)}`);
  const otherTeam: Reader = { ...teamReader!, actor: () => userActor(tenantId, otherTeamManager.id, 'manager'), who: () => ({ scope: 'team', managerId: otherTeamManager.id }) };
  const otherBefore = await compare(otherTeam, november, demoZone);

  await sql(`update users set org_unit_id = ${lit(otherUnitId)} where id = ${lit(rep.id)}`);

  const teamAfter = await compare(teamReader!, november, demoZone);
  const ownAfter = await compare(repReader!, november, demoZone);
  const otherAfter = await compare(otherTeam, november, demoZone);
  // What happened stays with the unit it happened in...
  const history = (r: KpiReport) => {
    const { pipeline: _pipeline, newCustomers: _newCustomers, ...rest } = r;
    return byKey(rest as KpiReport);
  };
  expect(history(teamAfter)).toEqual(history(team));
  expect(history(otherAfter)).toEqual(history(otherBefore));
  expect(teamAfter.byRep.map((r) => r.key)).toContain(rep.id);
  // ...what is (customers, open deals) goes with today's owner (checked against the SQL above, and moved).
  expect(teamAfter.pipeline).not.toEqual(team.pipeline);
  // The rep's own report is the same wherever they are.
  expect(byKey(ownAfter)).toEqual(byKey(own));
});
