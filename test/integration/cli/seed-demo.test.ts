import { seedDemo } from '../../../src/cli/seed-demo.command';
import { buildDemoData } from '../../../src/cli/seed/build-demo';
import { Interaction } from '../../../src/domain/activities/interaction.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { listUpcomingVisits } from '../../../src/domain/activities/list-upcoming-visits';
import { getCustomerView } from '../../../src/domain/customers/get-customer-view';
import { Opportunity } from '../../../src/domain/opportunities/opportunity.entity';
import { StageChange } from '../../../src/domain/opportunities/stage-change.entity';
import { OrgUnit } from '../../../src/domain/org/org-unit.entity';
import { User } from '../../../src/domain/org/user.entity';
import { userActor } from '../../../src/domain/shared/actor';
import { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const now = new Date('2026-03-18T06:00:00Z');
const day = 86_400_000;

/** Everything the seed wrote for a tenant, as comparable text (ids included). */
async function fingerprint(tenantId: string): Promise<string> {
  const rows = await db.em().getConnection().execute(
    `select (select string_agg(concat_ws('|', id, name, owner_id, tier, key_account, tags::text, created_at, last_interaction_at), ',' order by id) from customers where tenant_id = ?) as c,
            (select string_agg(concat_ws('|', id, customer_id, owner_id, stage, amount, closed_at, lost_reason, score), ',' order by id) from opportunities where tenant_id = ?) as o,
            (select string_agg(concat_ws('|', id, user_id, type, status, occurred_at, scheduled_at, notes, cost), ',' order by id) from interactions where tenant_id = ?) as i`,
    [tenantId, tenantId, tenantId],
  );
  return JSON.stringify(rows[0]);
}

test('seed --demo builds a realistic tenant: org tree, people, customers, two years of activity and deals', async () => {
  const started = Date.now();
  const summary = await seedDemo(db.em(), { now });
  const seconds = (Date.now() - started) / 1000;
  expect(summary).toMatchObject({ slug: 'demo', units: 4, users: { admin: 1, manager: 3, rep: 15 }, customers: 300, opportunities: { won: 150, lost: 90, open: 160 }, replaced: false });

  const em = db.em();
  const tenant = await em.findOneOrFail(Tenant, { slug: 'demo' });
  expect(tenant).toMatchObject({ defaultCurrency: 'CNY', defaultTimezone: 'Asia/Shanghai' });
  const t = { tenantId: tenant.id };

  const units = await em.find(OrgUnit, t);
  expect(units.map((u) => u.namePath).sort()).toEqual(['Sales', 'Sales/East', 'Sales/North', 'Sales/South']);
  expect(units.filter((u) => u.managerId)).toHaveLength(3);
  const users = await em.find(User, t);
  expect(users).toHaveLength(19);
  expect(users.filter((u) => u.locale === 'zh-CN').length).toBeGreaterThanOrEqual(5);
  expect(users.some((u) => /[\u4e00-\u9fff]/.test(u.name)) && users.some((u) => /^[A-Za-z ]+$/.test(u.name))).toBe(true);

  const customers = await em.find(Customer, t);
  expect(customers).toHaveLength(300);
  const share = (n: number) => n / customers.length;
  expect(share(customers.filter((c) => !c.ownerId).length)).toBeGreaterThan(0.08);
  expect(share(customers.filter((c) => !c.ownerId).length)).toBeLessThan(0.25);
  expect(share(customers.filter((c) => c.keyAccount).length)).toBeGreaterThan(0.05);
  expect(share(customers.filter((c) => c.keyAccount).length)).toBeLessThan(0.16);
  expect(new Set(customers.map((c) => c.tier))).toEqual(new Set(['A', 'B', 'C']));
  expect(customers.filter((c) => /[\u4e00-\u9fff]/.test(c.name)).length).toBeGreaterThan(100);
  expect(customers.filter((c) => /^[A-Za-z]/.test(c.name)).length).toBeGreaterThan(50);
  expect(new Set(customers.map((c) => c.searchName)).size).toBe(300);

  const done = await em.find(Interaction, { ...t, status: 'done' });
  expect(done.length).toBeGreaterThan(2000);
  expect(new Set(done.map((i) => i.type))).toEqual(new Set(['visit', 'call', 'email', 'meeting']));
  expect(done.every((i) => i.occurredAt! < now && i.occurredAt! > new Date(now.getTime() - 800 * day))).toBe(true);
  expect(done.filter((i) => i.outcome).length).toBeGreaterThan(done.length * 0.8);
  const planned = await em.find(Interaction, { ...t, status: 'planned' });
  expect(planned.length).toBeGreaterThanOrEqual(30);
  expect(planned.every((i) => i.scheduledAt! > now && i.scheduledAt! < new Date(now.getTime() + 20 * day))).toBe(true);
  // lastInteractionAt agrees with the timeline (the pool-return job relies on it).
  const last = new Map<string, number>();
  for (const i of done) last.set(i.customerId, Math.max(last.get(i.customerId) ?? 0, i.occurredAt!.getTime()));
  expect(customers.every((c) => (c.lastInteractionAt?.getTime() ?? 0) === (last.get(c.id) ?? 0))).toBe(true);

  // The CRM's own deals; the orders brought from the old ERP are checked below.
  const everything = await em.find(Opportunity, t);
  const opportunities = everything.filter((o) => !o.sourceOrderId);
  expect(opportunities).toHaveLength(400);
  const imported = everything.filter((o) => o.sourceOrderId);
  expect(imported).toHaveLength(summary.importedOrders);
  expect(imported.every((o) => o.stage === 'won' && o.closedAt! < new Date(Math.min(...opportunities.filter((x) => x.stage === 'won').map((x) => x.closedAt!.getTime()))))).toBe(true);
  // Four years of won revenue in all, each won deal with the lines that say what was sold.
  const [{ months }] = await em.getConnection().execute(`select count(distinct to_char(closed_at at time zone 'Asia/Shanghai', 'YYYY-MM'))::int as months from opportunities where tenant_id = ? and stage = 'won'`, [t.tenantId]);
  expect(months).toBeGreaterThanOrEqual(46);
  const unmatched = await em.getConnection().execute(
    `select o.id from opportunities o left join (select opportunity_id, sum(amount) as total from order_lines group by 1) l on l.opportunity_id = o.id
      where o.tenant_id = ? and o.stage = 'won' and (l.total is null or l.total <> o.amount)`,
    [t.tenantId],
  );
  expect(unmatched).toEqual([]);
  const won = opportunities.filter((o) => o.stage === 'won');
  expect(won.every((o) => o.closedAt && o.closedAt < now && o.probability === 100)).toBe(true);
  // Won deals spread over two years (what the forecast learns from), with some months busier than others.
  const wonMonths = new Map<string, number>();
  for (const o of won) wonMonths.set(o.closedAt!.toISOString().slice(0, 7), (wonMonths.get(o.closedAt!.toISOString().slice(0, 7)) ?? 0) + 1);
  expect(wonMonths.size).toBeGreaterThanOrEqual(20);
  expect(Math.min(...won.map((o) => o.closedAt!.getTime()))).toBeLessThan(now.getTime() - 600 * day);
  const lost = opportunities.filter((o) => o.stage === 'lost');
  expect(lost.every((o) => o.lostReason && o.closedAt)).toBe(true);
  const open = opportunities.filter((o) => !o.closedAt);
  expect(new Set(open.map((o) => o.stage))).toEqual(new Set(['initial_contact', 'solution', 'quote', 'negotiation']));
  expect(open.filter((o) => o.stageChangedAt < new Date(now.getTime() - 40 * day)).length).toBeGreaterThan(10);
  expect(opportunities.every((o) => /^\d+\.\d{2}$/.test(o.amount))).toBe(true);

  // Every deal's history starts at first contact and ends at its current stage.
  const changes = await em.find(StageChange, t, { orderBy: { changedAt: 'asc' } });
  expect(changes.length).toBeGreaterThan(opportunities.length * 2);
  const history = new Map<string, StageChange[]>();
  for (const c of changes) history.set(c.opportunityId, [...(history.get(c.opportunityId) ?? []), c]);
  for (const o of opportunities) {
    const h = history.get(o.id)!;
    expect([h[0]!.fromStage, h[0]!.toStage, h.at(-1)!.toStage]).toEqual([null, 'initial_contact', o.stage]);
  }

  // The domain reads it like any other data.
  const rep = users.find((u) => u.role === 'rep' && planned.some((p) => p.userId === u.id))!;
  const upcoming = await listUpcomingVisits(db.em(), userActor(tenant.id, rep.id, 'rep'), { from: now });
  expect(upcoming.length).toBeGreaterThan(0);
  const busiest = customers.filter((c) => c.ownerId).sort((a, b) => (b.lastInteractionAt?.getTime() ?? 0) - (a.lastInteractionAt?.getTime() ?? 0))[0]!;
  const owner = users.find((u) => u.id === busiest.ownerId)!;
  const view = await getCustomerView(db.em(), userActor(tenant.id, owner.id, owner.role), busiest.id);
  expect(view.timeline.length).toBeGreaterThan(0);

  expect(seconds).toBeLessThan(30);
});

test('seeding again is refused; --reset recreates exactly the same data; another slug gets its own ids', async () => {
  const tenant = await db.em().findOneOrFail(Tenant, { slug: 'demo' });
  const before = await fingerprint(tenant.id);
  await expect(seedDemo(db.em(), { now })).rejects.toThrow('tenant demo already exists; use --reset to delete it and seed it again');

  const again = await seedDemo(db.em(), { now, reset: true });
  expect(again.replaced).toBe(true);
  expect(await db.em().count(Tenant, { slug: 'demo' })).toBe(1);
  expect(await db.em().count(Customer, { tenantId: tenant.id })).toBe(300);
  expect(await fingerprint(tenant.id)).toBe(before);

  const other = await seedDemo(db.em(), { slug: 'demo-2', now });
  expect(other.customers).toBe(300);
  expect(await db.em().count(Customer, {})).toBe(600);
});

test('the generator is pure: same slug and day, same data; a later day shifts the dates, not the choices', () => {
  const a = buildDemoData({ slug: 'demo', now });
  const b = buildDemoData({ slug: 'demo', now: new Date(now.getTime() + 60_000) });
  expect(b).toEqual(a);
  const nextDay = buildDemoData({ slug: 'demo', now: new Date(now.getTime() + day) });
  expect(nextDay.customers.map((c) => c.name)).toEqual(a.customers.map((c) => c.name));
});
