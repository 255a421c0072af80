import { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Interaction, type InteractionStatus } from '../../../src/domain/activities/interaction.entity';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { customerCard } from '../../../src/cards/presenters/customer-card';
import { translator } from '../../../src/cards/i18n/i18n';
import { addTierRule } from '../../../src/domain/customers/add-tier-rule';
import { createCustomer } from '../../../src/domain/customers/create-customer';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { getCustomerView } from '../../../src/domain/customers/get-customer-view';
import { listTierRules } from '../../../src/domain/customers/list-tier-rules';
import { moveTierRule } from '../../../src/domain/customers/move-tier-rule';
import { recomputeTenantTiers } from '../../../src/domain/customers/recompute-tiers';
import { removeTierRule } from '../../../src/domain/customers/remove-tier-rule';
import { setTierOverride } from '../../../src/domain/customers/set-tier-override';
import { lockTierRules } from '../../../src/domain/customers/tier-rules-store';
import { updateCustomer } from '../../../src/domain/customers/update-customer';
import { loseOpportunity, winOpportunity } from '../../../src/domain/opportunities/move-opportunity-stage';
import { Opportunity, type Stage } from '../../../src/domain/opportunities/opportunity.entity';
import type { User } from '../../../src/domain/org/user.entity';
import { systemActor } from '../../../src/domain/shared/actor';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeCustomer, makeOrgWorld, refused, refusedWithoutChange } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const ago = (months: number, days = 0) => DateTime.utc().minus({ months, days }).toJSDate();

async function deal(em: EntityManager, tenant: Tenant, owner: User, customer: Customer, amount: string, opts: { stage?: Stage; currency?: string; closedAt?: Date } = {}) {
  const stage = opts.stage ?? 'won';
  const o = em.create(Opportunity, {
    tenantId: tenant.id, customerId: customer.id, ownerId: owner.id, title: `Deal ${amount}`, amount, currency: opts.currency ?? 'USD', stage, probability: 10,
    closedAt: stage === 'won' || stage === 'lost' ? (opts.closedAt ?? ago(1)) : null, lostReason: stage === 'lost' ? 'price' : null,
  } as Opportunity);
  await em.flush();
  return o;
}

async function interactions(em: EntityManager, tenant: Tenant, user: User, customer: Customer, n: number, status: InteractionStatus = 'done', occurredAt = ago(2)) {
  for (let i = 0; i < n; i++) {
    em.create(Interaction, { tenantId: tenant.id, customerId: customer.id, userId: user.id, type: 'call', status, occurredAt: status === 'done' ? occurredAt : null, scheduledAt: status === 'done' ? null : ago(-1) } as Interaction);
  }
  await em.flush();
}

const tiersOf = async (tenant: Tenant) =>
  Object.fromEntries((await db.em().find(Customer, { tenantId: tenant.id }, { orderBy: { name: 'asc' } })).map((c) => [c.name, `${c.tier ?? '-'}${c.keyAccount ? '*' : ''}${c.tierRuleName ? ` ${c.tierRuleName}` : ''}`]));

/** The org world with the rules of the README example and a table of customers, each testing one condition. */
async function world() {
  const w = await makeOrgWorld(db);
  const { em, tenant } = w;
  const a = w.repA.user;
  const c = async (name: string, extra: Partial<Customer> = {}) => makeCustomer(em, tenant, a, name, extra);

  const bigEast = await c('01 Big East', { region: 'East' });
  await deal(em, tenant, a, bigEast, '300000.00', { closedAt: ago(11, 20) });
  await deal(em, tenant, a, bigEast, '200000.00');
  const justShort = await c('02 Just short', { region: 'east' });
  await deal(em, tenant, a, justShort, '499999.99');
  const otherCurrency = await c('03 Yuan deals', { region: 'East' });
  await deal(em, tenant, a, otherCurrency, '9000000.00', { currency: 'CNY' });
  await deal(em, tenant, a, otherCurrency, '100.00');
  const tooOld = await c('04 Won long ago', { region: 'North' });
  await deal(em, tenant, a, tooOld, '800000.00', { closedAt: ago(12, 1) });
  const south = await c('05 Big South', { region: 'South' });
  await deal(em, tenant, a, south, '900000.00');
  const busy = await c('06 Busy');
  await interactions(em, tenant, a, busy, 10);
  await interactions(em, tenant, a, busy, 4, 'planned');
  await interactions(em, tenant, a, busy, 3, 'cancelled');
  const quiet = await c('07 Nine calls');
  await interactions(em, tenant, a, quiet, 9);
  await interactions(em, tenant, a, quiet, 5, 'done', ago(12, 2));
  const pipe = await c('08 Pipeline');
  await deal(em, tenant, a, pipe, '150000.00', { stage: 'negotiation' });
  await deal(em, tenant, a, pipe, '50000.00', { stage: 'initial_contact' });
  await deal(em, tenant, a, pipe, '1000000.00', { stage: 'lost' });
  const pipeShort = await c('09 Pipeline short');
  await deal(em, tenant, a, pipeShort, '199999.99', { stage: 'quote' });
  await deal(em, tenant, a, pipeShort, '500000.00', { stage: 'quote', currency: 'EUR' });
  const factory = await c('10 Factory', { region: 'East', industry: 'Manufacturing', companySize: '1000+' });
  const smallFactory = await c('11 Small factory', { region: 'East', industry: 'manufacturing', companySize: '201-1000' });
  const nothing = await c('12 Nothing', { tier: 'A', keyAccount: true });
  const westCustomer = await makeCustomer(em, tenant, w.repW.user, '13 West', { region: 'East' });
  const pool = await makeCustomer(em, tenant, null, '14 Pool busy');
  await interactions(em, tenant, a, pool, 12);
  const foreign = await makeCustomer(em, w.otherTenant, w.foreignRep.user, 'Foreign', { region: 'East', tier: 'B' });

  return { ...w, bigEast, justShort, otherCurrency, tooOld, south, busy, quiet, pipe, pipeShort, factory, smallFactory, nothing, westCustomer, pool, foreign, t: [w.tenant.id, w.otherTenant.id] };
}

async function addReadmeRules(w: Awaited<ReturnType<typeof world>>) {
  const admin = w.admin.actor;
  await addTierRule(db.em(), admin, { name: 'Big accounts East', tier: 'A', keyAccount: true, regions: ['East', 'North'], wonRevenueMin: '500000' });
  await addTierRule(db.em(), admin, { name: 'Busy', tier: 'B', interactionsMin: 10 });
  await addTierRule(db.em(), admin, { name: 'Pipeline', tier: 'B', pipelineMin: '200000' });
  // Inserted at 2: tried before Busy.
  return addTierRule(db.em(), admin, { name: 'East factories', tier: 'A', regions: ['East'], industries: ['Manufacturing'], sizes: ['1000+'], position: 2 });
}

test('rules on a table of customers give the expected tiers; other tenants are untouched', async () => {
  const w = await world();
  const before = await tiersOf(w.tenant);
  expect(before['12 Nothing']).toBe('A*'); // set by hand before there were rules
  const { counts } = await addReadmeRules(w);
  expect(await tiersOf(w.tenant)).toEqual({
    '01 Big East': 'A* Big accounts East', // 300000 eleven months ago + 200000 = exactly 500000
    '02 Just short': 'C', // one cent short
    '03 Yuan deals': 'C', // CNY 9,000,000 does not count, USD 100 does
    '04 Won long ago': 'C', // 12 months and a day ago
    '05 Big South': 'C', // region not in the list
    '06 Busy': 'B Busy', // 10 done; planned and cancelled do not count
    '07 Nine calls': 'C', // 9 in the window, 5 more before it
    '08 Pipeline': 'B Pipeline', // 150000 + 50000 open; the lost million is not pipeline
    '09 Pipeline short': 'C', // EUR does not count
    '10 Factory': 'A East factories',
    '11 Small factory': 'C',
    '12 Nothing': 'C', // no rule matches: C, not a key account any more
    '13 West': 'C',
    '14 Pool busy': 'B Busy',
  });
  expect((await db.em().findOneOrFail(Customer, { id: w.foreign.id })).tier).toBe('B');
  // The last add recomputed: East factories moved 10 Factory from C to A.
  expect(counts).toMatchObject({ evaluated: 14, changed: 1, written: 1, rules: 4 });

  const listing = await listTierRules(db.em(), w.admin.actor);
  expect(listing.rules.map((r) => [r.rule.position, r.rule.name, r.customers])).toEqual([
    [1, 'Big accounts East', 1], [2, 'East factories', 1], [3, 'Busy', 2], [4, 'Pipeline', 1],
  ]);
  expect(listing).toMatchObject({ unmatched: 9, overridden: 0, currency: 'USD' });

  // Nothing changed since: a second run writes nothing and audits nothing.
  const audits = await db.em().count(AuditEntry, { tenantId: w.tenant.id, action: 'customer.tiers.recompute' });
  expect(await recomputeTenantTiers(db.em(), systemActor(w.tenant.id, 'test'), { trigger: 'run' })).toEqual({ evaluated: 14, changed: 0, written: 0, rules: 4 });
  expect(await db.em().count(AuditEntry, { tenantId: w.tenant.id, action: 'customer.tiers.recompute' })).toBe(audits);
  // One summary entry per run that changed something (four adds), none per customer.
  expect(audits).toBe(4);
  expect(await db.em().count(AuditEntry, { tenantId: w.tenant.id, action: 'customer.tier.recompute' })).toBe(0);
  const summary = await db.em().findOneOrFail(AuditEntry, { tenantId: w.tenant.id, action: 'customer.tiers.recompute' }, { orderBy: { id: 'asc' } });
  expect(summary.after).toMatchObject({ trigger: 'rules', evaluated: 14, changed: 14, written: 14, changedTo: { A: 1, C: 13 } });
});

test('moving and removing rules recompute; without rules tiers stay as they were and name no rule', async () => {
  const w = await world();
  await addReadmeRules(w);
  // Busy after Pipeline: a customer that is both is now set by Pipeline.
  await interactions(w.em, w.tenant, w.repA.user, w.pipe, 10);
  await recomputeTenantTiers(db.em(), w.admin.actor, { trigger: 'run' });
  expect((await tiersOf(w.tenant))['08 Pipeline']).toBe('B Busy');
  const moved = await moveTierRule(db.em(), w.admin.actor, 'pipeline', 1);
  expect(moved.rule.position).toBe(1);
  expect(moved.counts.changed).toBe(0); // same tier, another rule: written, not changed
  expect(moved.counts.written).toBe(1);
  expect((await tiersOf(w.tenant))['08 Pipeline']).toBe('B Pipeline');
  expect((await listTierRules(db.em(), w.admin.actor)).rules.map((r) => r.rule.name)).toEqual(['Pipeline', 'Big accounts East', 'East factories', 'Busy']);

  const removed = await removeTierRule(db.em(), w.admin.actor, 'Big accounts East');
  expect(removed.counts).toMatchObject({ changed: 1, rules: 3 });
  expect((await tiersOf(w.tenant))['01 Big East']).toBe('C');
  expect((await listTierRules(db.em(), w.admin.actor)).rules.map((r) => [r.rule.position, r.rule.name])).toEqual([[1, 'Pipeline'], [2, 'East factories'], [3, 'Busy']]);
  await refused(removeTierRule(db.em(), w.admin.actor, 'Big accounts East'), 'not_found');
  await refused(addTierRule(db.em(), w.admin.actor, { name: 'BUSY', tier: 'C' }), 'duplicate');

  for (const name of ['Pipeline', 'East factories', 'Busy']) await removeTierRule(db.em(), w.admin.actor, name);
  // Each removal recomputed with the rules left (10 Factory fell to C with East factories); the last
  // one left no rules, so the tiers stay as the rules last set them, naming no rule.
  expect(await tiersOf(w.tenant)).toMatchObject({ '06 Busy': 'B', '08 Pipeline': 'B', '10 Factory': 'C', '12 Nothing': 'C' });
  expect(await db.em().count(Customer, { tenantId: w.tenant.id, tierRuleName: { $ne: null } })).toBe(0);
});

test('winning a deal moves its customer up in the same transaction, audited; losing one takes its pipeline away', async () => {
  const w = await world();
  await addReadmeRules(w);
  const open = await deal(w.em, w.tenant, w.repA.user, w.justShort, '0.01', { stage: 'negotiation' });
  expect((await tiersOf(w.tenant))['02 Just short']).toBe('C');
  await winOpportunity(db.em(), w.repA.actor, open.id);
  const after = await db.em().findOneOrFail(Customer, { id: w.justShort.id });
  expect(after).toMatchObject({ tier: 'A', keyAccount: true, tierRuleName: 'Big accounts East' });
  const [entry] = await db.em().find(AuditEntry, { entityId: w.justShort.id, action: 'customer.tier.recompute' });
  expect(entry).toMatchObject({ actorUserId: w.repA.user.id, before: { tier: 'C', keyAccount: false }, after: { tier: 'A', keyAccount: true, tierRuleName: 'Big accounts East' } });

  const [big] = await db.em().find(Opportunity, { customerId: w.pipe.id, stage: 'negotiation' });
  await loseOpportunity(db.em(), w.repA.actor, big!.id, 'went with a competitor');
  expect((await tiersOf(w.tenant))['08 Pipeline']).toBe('C');
});

test('an override survives recomputing until it is cleared; the card says who set the tier, in both languages', async () => {
  const w = await world();
  await addReadmeRules(w);
  const card = async (id: string, locale: string) => {
    const view = await getCustomerView(db.em(), w.admin.actor, id);
    return customerCard(view, { t: translator(locale), user: { ...w.admin.user, locale } as User }).fields!.find((f) => f.label === translator(locale)('customer.tier'))!.value;
  };
  expect(await card(w.bigEast.id, 'en')).toBe('A · ⭐ Key account · rule “Big accounts East”');
  expect(await card(w.bigEast.id, 'zh-CN')).toBe('A · ⭐ 重点客户 · 规则“Big accounts East”');
  expect(await card(w.south.id, 'en')).toBe('C');

  await setTierOverride(db.em(), w.admin.actor, w.bigEast.id, { tier: 'B' });
  await setTierOverride(db.em(), w.manager.actor, w.south.id, { keyAccount: true });
  await recomputeTenantTiers(db.em(), w.admin.actor, { trigger: 'run' });
  expect(await tiersOf(w.tenant)).toMatchObject({ '01 Big East': 'B* Big accounts East', '05 Big South': 'C*' });
  expect(await card(w.bigEast.id, 'en')).toBe('B · ⭐ Key account · set by hand');
  expect(await card(w.bigEast.id, 'zh-CN')).toBe('B · ⭐ 重点客户 · 人工设定');
  expect((await listTierRules(db.em(), w.admin.actor)).overridden).toBe(2);

  // A deal won does not undo it either.
  const open = await deal(w.em, w.tenant, w.repA.user, w.bigEast, '1.00', { stage: 'quote' });
  await winOpportunity(db.em(), w.repA.actor, open.id);
  expect((await tiersOf(w.tenant))['01 Big East']).toBe('B* Big accounts East');

  await setTierOverride(db.em(), w.admin.actor, w.bigEast.id, { clear: true });
  expect((await tiersOf(w.tenant))['01 Big East']).toBe('A* Big accounts East');
  expect(await card(w.bigEast.id, 'en')).toBe('A · ⭐ Key account · rule “Big accounts East”');
  expect((await db.em().find(AuditEntry, { entityId: w.bigEast.id, action: 'customer.tier.override' }, { orderBy: { id: 'asc' } })).map((a) => [a.before, a.after])).toEqual([
    [{ tierOverride: null, keyAccountOverride: null }, { tierOverride: 'B', keyAccountOverride: null }],
    [{ tierOverride: 'B', keyAccountOverride: null }, { tierOverride: null, keyAccountOverride: null }],
  ]);
});

test('permissions: reps change neither rules nor overrides, managers override only their team, nothing is written when refused', async () => {
  const w = await world();
  await addReadmeRules(w);
  const rules = { name: 'Rep rule', tier: 'A' as const };
  await refusedWithoutChange(db, w.t, () => addTierRule(db.em(), w.repA.actor, rules), 'forbidden');
  await refusedWithoutChange(db, w.t, () => addTierRule(db.em(), w.manager.actor, rules), 'forbidden');
  await refusedWithoutChange(db, w.t, () => removeTierRule(db.em(), w.repA.actor, 'Busy'), 'forbidden');
  await refusedWithoutChange(db, w.t, () => moveTierRule(db.em(), w.manager.actor, 'Busy', 1), 'forbidden');
  await refusedWithoutChange(db, w.t, () => recomputeTenantTiers(db.em(), w.repA.actor, { trigger: 'run' }), 'forbidden');
  await refusedWithoutChange(db, w.t, () => listTierRules(db.em(), w.repA.actor), 'forbidden');
  const err = await refusedWithoutChange(db, w.t, () => setTierOverride(db.em(), w.repA.actor, w.busy.id, { tier: 'A' }), 'forbidden');
  expect(err.reason).toBe('role');
  // Through the customer's own fields too: the rep owns it, but with rules a tier is an override.
  await refusedWithoutChange(db, w.t, () => updateCustomer(db.em(), w.repA.actor, w.busy.id, { tier: 'A' }), 'forbidden');
  await refusedWithoutChange(db, w.t, () => createCustomer(db.em(), w.repA.actor, { name: 'Rep picks A', tier: 'A' }), 'forbidden');
  const notYours = await refusedWithoutChange(db, w.t, () => setTierOverride(db.em(), w.manager.actor, w.westCustomer.id, { tier: 'A' }), 'forbidden');
  expect(notYours.reason).toBe('not_yours');
  await refusedWithoutChange(db, w.t, () => setTierOverride(db.em(), w.admin.actor, w.foreign.id, { tier: 'A' }), 'not_found');
  await refusedWithoutChange(db, w.t, () => addTierRule(db.em(), w.admin.actor, { name: 'x'.repeat(101), tier: 'A' }), 'invalid_input');
  await refusedWithoutChange(db, w.t, () => addTierRule(db.em(), w.admin.actor, { name: 'Bad amount', tier: 'A', wonRevenueMin: '-5' }), 'invalid_input');

  // The same tier sent back by a form is no change; a manager's differing one is an override.
  await updateCustomer(db.em(), w.repA.actor, w.busy.id, { tier: 'B', phone: '123' });
  expect(await db.em().findOneOrFail(Customer, { id: w.busy.id })).toMatchObject({ tier: 'B', tierOverride: null, phone: '123' });
  await updateCustomer(db.em(), w.manager.actor, w.busy.id, { tier: 'A' });
  expect(await db.em().findOneOrFail(Customer, { id: w.busy.id })).toMatchObject({ tier: 'A', tierOverride: 'A' });
});

test('a customer edited or created gets its tier from the rules at once', async () => {
  const w = await world();
  await addReadmeRules(w);
  await updateCustomer(db.em(), w.repA.actor, w.south.id, { region: 'North' });
  expect((await tiersOf(w.tenant))['05 Big South']).toBe('A* Big accounts East');
  const { customer } = await createCustomer(db.em(), w.repA.actor, { name: 'New factory', region: 'East', industry: 'Manufacturing', companySize: '1000+' });
  expect(await db.em().findOneOrFail(Customer, { id: customer.id })).toMatchObject({ tier: 'A', keyAccount: false, tierRuleName: 'East factories' });
  const { customer: plain } = await createCustomer(db.em(), w.repA.actor, { name: 'New nobody' });
  expect(await db.em().findOneOrFail(Customer, { id: plain.id })).toMatchObject({ tier: 'C', tierRuleName: null });
});

test('without rules, tiers are set by hand as before', async () => {
  const w = await world();
  const { customer } = await createCustomer(db.em(), w.repA.actor, { name: 'Manual', tier: 'B' });
  await updateCustomer(db.em(), w.repA.actor, customer.id, { tier: 'A', keyAccount: true });
  expect(await db.em().findOneOrFail(Customer, { id: customer.id })).toMatchObject({ tier: 'A', keyAccount: true, tierOverride: null, tierRuleName: null });
  expect(await recomputeTenantTiers(db.em(), w.admin.actor, { trigger: 'run' })).toMatchObject({ changed: 0, written: 0, rules: 0 });
});

test('a rule change and a customer edit at the same moment do not deadlock: both take the rules lock before a customer row', async () => {
  const w = await world();
  await addReadmeRules(w);
  let edit: Promise<unknown> | undefined;
  await db.em().transactional(async (tx) => {
    // A rule change holds the rules lock, then (recomputing) locks every customer row.
    await lockTierRules(tx, w.tenant.id, 'exclusive');
    edit = updateCustomer(db.em(), w.repA.actor, w.south.id, { region: 'East' });
    await new Promise((r) => setTimeout(r, 300));
    await tx.execute(`select id from customers where id = ? for update`, [w.south.id]);
    await tx.execute(`update customers set phone = 'rule change' where id = ?`, [w.south.id]);
  });
  await edit;
  expect(await db.em().findOneOrFail(Customer, { id: w.south.id })).toMatchObject({ phone: 'rule change', region: 'East', tier: 'A', tierRuleName: 'Big accounts East' });
});
