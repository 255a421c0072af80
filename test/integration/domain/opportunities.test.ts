import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { createOpportunity } from '../../../src/domain/opportunities/create-opportunity';
import { listOpenOpportunities } from '../../../src/domain/opportunities/list-open-opportunities';
import { loseOpportunity, moveOpportunityStage, winOpportunity } from '../../../src/domain/opportunities/move-opportunity-stage';
import { Opportunity, type Stage } from '../../../src/domain/opportunities/opportunity.entity';
import { StageChange } from '../../../src/domain/opportunities/stage-change.entity';
import { updateOpportunity } from '../../../src/domain/opportunities/update-opportunity';
import { systemActor } from '../../../src/domain/shared/actor';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { dbSnapshot, makeCustomer, makeOpportunity, makeOrgWorld, refusedWithoutChange } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function world() {
  const w = await makeOrgWorld(db);
  const customer = await makeCustomer(w.em, w.tenant, w.repA.user, 'Globex');
  return { ...w, customer, t: [w.tenant.id, w.otherTenant.id] };
}

/** What Postgres holds, as text: no JavaScript number ever touches it. */
async function storedAmount(id: string): Promise<string> {
  const [row] = await db.em().execute(`select amount::text as amount from opportunities where id = ?`, [id]);
  return row.amount;
}
const reload = (id: string) => db.em().findOneOrFail(Opportunity, { id });
const history = async (id: string) =>
  (await db.em().find(StageChange, { opportunityId: id }, { orderBy: { changedAt: 'asc', id: 'asc' } })).map((h) => [h.fromStage, h.toStage, h.note]);
const auditActions = async (id: string) => (await db.em().find(AuditEntry, { entityId: id }, { orderBy: { id: 'asc' } })).map((a) => a.action);

describe('createOpportunity', () => {
  test.each([
    ['12500.50', '12500.50'],
    ['0.10', '0.10'],
    ['12,500.50', '12500.50'],
    [' 7 ', '7.00'],
    ['1.2e4', '12000.00'],
    ['999999999999.99', '999999999999.99'],
    [0.1, '0.10'],
    [1234.5, '1234.50'],
  ])('amount %j is stored exactly as %s', async (amount, expected) => {
    const { repA, customer } = await world();
    const o = await createOpportunity(db.em(), repA.actor, { customerId: customer.id, title: 'Pilot', amount });
    expect(o.amount).toBe(expected);
    expect(await storedAmount(o.id)).toBe(expected);
    expect((await reload(o.id)).amount).toBe(expected);
  });

  test.each([['-5'], ['1.234'], ['abc'], [''], ['Infinity'], ['NaN'], ['1e12'], ['0x10'], [-0.5]])('amount %j is refused and nothing is written', async (amount) => {
    const { repA, customer, t } = await world();
    const err = await refusedWithoutChange(db, t, () => createOpportunity(db.em(), repA.actor, { customerId: customer.id, title: 'Pilot', amount }), 'invalid_input');
    expect(err.details.fields).toEqual([{ field: 'amount', problem: expect.any(String) }]);
  });

  test('starts in the first stage with history, audit, score and the tenant currency', async () => {
    const { repA, customer } = await world();
    const o = await createOpportunity(db.em(), repA.actor, { customerId: customer.id, title: ' Pilot ', amount: '500', scoreInputs: { urgency: 5, budget: 5 }, expectedCloseDate: '2027-01-31' });
    expect(await reload(o.id)).toMatchObject({ title: 'Pilot', stage: 'initial_contact', probability: 10, currency: 'USD', score: 100, ownerId: repA.user.id, expectedCloseDate: '2027-01-31', closedAt: null });
    expect(await history(o.id)).toEqual([[null, 'initial_contact', null]]);
    expect(await auditActions(o.id)).toEqual(['opportunity.create']);
    const cny = await createOpportunity(db.em(), repA.actor, { customerId: customer.id, title: 'CN', amount: '1', currency: 'cny' });
    expect(cny.currency).toBe('CNY');
  });

  test('owners: reps own their deals, managers assign within reach; pool customers are open to deals', async () => {
    const w = await world();
    await refusedWithoutChange(db, w.t, () => createOpportunity(db.em(), w.repA.actor, { customerId: w.customer.id, title: 'X', amount: '1', ownerId: w.repB.user.id }), 'forbidden');
    const assigned = await createOpportunity(db.em(), w.manager.actor, { customerId: w.customer.id, title: 'X', amount: '1', ownerId: w.repSub.user.id });
    expect(assigned.ownerId).toBe(w.repSub.user.id);
    await refusedWithoutChange(db, w.t, () => createOpportunity(db.em(), w.manager.actor, { customerId: w.customer.id, title: 'X', amount: '1', ownerId: w.repW.user.id }), 'forbidden');
    const colleagues = await makeCustomer(w.em, w.tenant, w.repB.user, 'Bob Co');
    await refusedWithoutChange(db, w.t, () => createOpportunity(db.em(), w.repA.actor, { customerId: colleagues.id, title: 'X', amount: '1' }), 'forbidden');
    const pool = await makeCustomer(w.em, w.tenant, null, 'Pool Co');
    expect((await createOpportunity(db.em(), w.repA.actor, { customerId: pool.id, title: 'X', amount: '1' })).customerId).toBe(pool.id);
    await refusedWithoutChange(db, w.t, () => createOpportunity(db.em(), systemActor(w.tenant.id), { customerId: w.customer.id, title: 'X', amount: '1' }), 'invalid_input');
  });
});

describe('moveOpportunityStage', () => {
  test('each move writes a history row, sets the stage probability and closes on won', async () => {
    const { em, tenant, repA, customer } = await world();
    const o = await makeOpportunity(em, tenant, repA.user, customer);
    const path: Array<[Stage, number]> = [['solution', 25], ['quote', 50], ['negotiation', 75], ['solution', 25], ['negotiation', 75]];
    let lastChange = (await reload(o.id)).stageChangedAt.getTime();
    for (const [to, probability] of path) {
      const moved = await moveOpportunityStage(db.em(), repA.actor, o.id, { to, note: `to ${to}` });
      expect(moved).toMatchObject({ stage: to, probability, closedAt: null });
      expect(moved.stageChangedAt.getTime()).toBeGreaterThanOrEqual(lastChange);
      lastChange = moved.stageChangedAt.getTime();
    }
    const won = await winOpportunity(db.em(), repA.actor, o.id, 'signed');
    expect(await reload(o.id)).toMatchObject({ stage: 'won', probability: 100, lostReason: null });
    expect(won.closedAt).not.toBeNull();
    expect(await history(o.id)).toEqual([
      [null, 'initial_contact', null],
      ['initial_contact', 'solution', 'to solution'],
      ['solution', 'quote', 'to quote'],
      ['quote', 'negotiation', 'to negotiation'],
      ['negotiation', 'solution', 'to solution'],
      ['solution', 'negotiation', 'to negotiation'],
      ['negotiation', 'won', 'signed'],
    ]);
    expect((await auditActions(o.id)).at(-1)).toBe('opportunity.stage.won');
  });

  test('moving to the stage it is already in (a stale card) is a no-op without history', async () => {
    const { em, tenant, repA, customer, t } = await world();
    const o = await makeOpportunity(em, tenant, repA.user, customer, { stage: 'quote' });
    // Not a refusal, but the same promise: nothing at all changes.
    const before = await dbSnapshot(db, t);
    expect((await moveOpportunityStage(db.em(), repA.actor, o.id, { to: 'quote' })).stage).toBe('quote');
    expect(await dbSnapshot(db, t)).toEqual(before);
  });

  test('losing needs a reason; the reason is kept on the deal and in the history', async () => {
    const { em, tenant, repA, customer, t } = await world();
    const o = await makeOpportunity(em, tenant, repA.user, customer, { stage: 'negotiation' });
    for (const lostReason of [undefined, '', '   ']) {
      const err = await refusedWithoutChange(db, t, () => moveOpportunityStage(db.em(), repA.actor, o.id, { to: 'lost', lostReason }), 'invalid_input');
      expect(err.details.fields).toEqual([{ field: 'lostReason', problem: 'is required' }]);
    }
    await loseOpportunity(db.em(), repA.actor, o.id, ' price too high ');
    const lost = await reload(o.id);
    expect(lost).toMatchObject({ stage: 'lost', lostReason: 'price too high', probability: 0 });
    expect(lost.closedAt).not.toBeNull();
    expect((await history(o.id)).at(-1)).toEqual(['negotiation', 'lost', 'price too high']);
  });

  test.each<[Stage, Stage]>([['won', 'negotiation'], ['won', 'lost'], ['lost', 'initial_contact'], ['lost', 'won']])('a %s deal cannot move to %s', async (from, to) => {
    const { em, tenant, repA, customer, t } = await world();
    const o = await makeOpportunity(em, tenant, repA.user, customer, { stage: from });
    const err = await refusedWithoutChange(db, t, () => moveOpportunityStage(db.em(), repA.actor, o.id, { to, lostReason: 'x' }), 'conflict');
    expect(err.details).toMatchObject({ reason: 'closed', stage: from });
    await refusedWithoutChange(db, t, () => updateOpportunity(db.em(), repA.actor, o.id, { title: 'Reopened?' }), 'conflict');
  });

  test('an unknown stage is refused', async () => {
    const { em, tenant, repA, customer, t } = await world();
    const o = await makeOpportunity(em, tenant, repA.user, customer);
    await refusedWithoutChange(db, t, () => moveOpportunityStage(db.em(), repA.actor, o.id, { to: 'closed' as Stage }), 'invalid_input');
  });
});

test('a triple click on "won" wins once: one history row, one audit row', async () => {
  const { em, tenant, repA, customer } = await world();
  const o = await makeOpportunity(em, tenant, repA.user, customer, { stage: 'negotiation' });
  const results = await Promise.all([1, 2, 3].map(() => winOpportunity(db.em(), repA.actor, o.id)));
  expect(results.map((r) => r.stage)).toEqual(['won', 'won', 'won']);
  expect(await history(o.id)).toEqual([[null, 'negotiation', null], ['negotiation', 'won', null]]);
  expect(await auditActions(o.id)).toEqual(['opportunity.stage.won']);
});

describe('updateOpportunity', () => {
  test('score inputs merge with what was rated before and the score is recomputed', async () => {
    const { repA, customer } = await world();
    const o = await createOpportunity(db.em(), repA.actor, { customerId: customer.id, title: 'Pilot', amount: '1', scoreInputs: { urgency: 5, budget: 5 } });
    expect(o.score).toBe(100);
    // urgency .25 + budget .25 of .65 rated weight → 76.9
    await updateOpportunity(db.em(), repA.actor, o.id, { scoreInputs: { competition: 0 } });
    expect(await reload(o.id)).toMatchObject({ scoreInputs: { urgency: 5, budget: 5, competition: 0 }, score: 77 });
    // all five rated: .25 + .25 + 0 + .2 + .15 × 3/5 = .59
    await updateOpportunity(db.em(), repA.actor, o.id, { scoreInputs: { decisionMaker: 5, fit: 3 } });
    expect(await reload(o.id)).toMatchObject({ scoreInputs: { urgency: 5, budget: 5, competition: 0, decisionMaker: 5, fit: 3 }, score: 79 });
    await updateOpportunity(db.em(), repA.actor, o.id, { scoreInputs: { urgency: 0 } });
    expect((await reload(o.id)).score).toBe(54);
    // Other fields leave the score alone.
    await updateOpportunity(db.em(), repA.actor, o.id, { title: 'Renamed', amount: '0.10', expectedCloseDate: null, nextStep: 'call CFO' });
    expect(await reload(o.id)).toMatchObject({ title: 'Renamed', score: 54, expectedCloseDate: null, nextStep: 'call CFO' });
    expect(await storedAmount(o.id)).toBe('0.10');
    const audits = await db.em().find(AuditEntry, { entityId: o.id, action: 'opportunity.update' }, { orderBy: { id: 'asc' } });
    expect(audits.map((a) => a.after?.score)).toEqual([77, 79, 54, 54]);
  });

  test.each([
    ['a rating above 5', { scoreInputs: { urgency: 6 } }],
    ['an unknown factor', { scoreInputs: { luck: 3 } }],
    ['a fractional rating', { scoreInputs: { fit: 2.5 } }],
    ['a probability above 100', { probability: 101 }],
    ['an amount with three decimals', { amount: '1.234' }],
    ['an empty title', { title: '  ' }],
    ['a bad currency', { currency: 'dollars' }],
  ])('refuses %s and changes nothing', async (_, patch) => {
    const { em, tenant, repA, customer, t } = await world();
    const o = await makeOpportunity(em, tenant, repA.user, customer);
    await refusedWithoutChange(db, t, () => updateOpportunity(db.em(), repA.actor, o.id, patch as never), 'invalid_input');
  });

  test('only managers and admins hand a deal to someone else, and only within reach', async () => {
    const w = await world();
    const o = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    await refusedWithoutChange(db, w.t, () => updateOpportunity(db.em(), w.repA.actor, o.id, { ownerId: w.repB.user.id }), 'forbidden');
    await refusedWithoutChange(db, w.t, () => updateOpportunity(db.em(), w.manager.actor, o.id, { ownerId: w.repW.user.id }), 'forbidden');
    await refusedWithoutChange(db, w.t, () => updateOpportunity(db.em(), w.manager.actor, o.id, { ownerId: w.foreignRep.user.id }), 'invalid_input');
    await updateOpportunity(db.em(), w.manager.actor, o.id, { ownerId: w.repSub.user.id });
    expect((await reload(o.id)).ownerId).toBe(w.repSub.user.id);
    // repA still owns the customer, so still sees the deal, but can no longer change it.
    await refusedWithoutChange(db, w.t, () => updateOpportunity(db.em(), w.repA.actor, o.id, { title: 'mine again?' }), 'forbidden');
  });
});

describe('listOpenOpportunities', () => {
  // None of these deals is scored: by priority they tie, so the largest comes first, then the one closing soonest (scores: scoring.test.ts).
  test('mine versus team, per role, unscored deals largest first then closing soonest', async () => {
    const w = await world();
    const { em, tenant } = w;
    const c = w.customer;
    const a1 = await makeOpportunity(em, tenant, w.repA.user, c, { title: 'A Dec 10', expectedCloseDate: '2026-12-10', amount: '100.00' });
    const a2 = await makeOpportunity(em, tenant, w.repA.user, c, { title: 'A undated', amount: '500.00' });
    const a3 = await makeOpportunity(em, tenant, w.repA.user, c, { title: 'A Dec 1', expectedCloseDate: '2026-12-01', amount: '50.00' });
    const a4 = await makeOpportunity(em, tenant, w.repA.user, c, { title: 'A Dec 1 big', expectedCloseDate: '2026-12-01', amount: '9000.00' });
    await makeOpportunity(em, tenant, w.repA.user, c, { title: 'A won', stage: 'won' });
    await makeOpportunity(em, tenant, w.repA.user, c, { title: 'A lost', stage: 'lost' });
    const b = await makeOpportunity(em, tenant, w.repB.user, c, { title: 'B', expectedCloseDate: '2026-12-05' });
    const sub = await makeOpportunity(em, tenant, w.repSub.user, c, { title: 'Sub', stage: 'negotiation' });
    const west = await makeOpportunity(em, tenant, w.repW.user, c, { title: 'West' });
    const mgr = await makeOpportunity(em, tenant, w.manager.user, c, { title: 'Mgr', expectedCloseDate: '2026-11-30' });
    const foreignCustomer = await makeCustomer(em, w.otherTenant, w.foreignRep.user, 'Foreign');
    await makeOpportunity(em, w.otherTenant, w.foreignRep.user, foreignCustomer, { title: 'Foreign' });

    const ids = async (actor: Parameters<typeof listOpenOpportunities>[1], whose?: 'mine' | 'team', page: { offset?: number; limit?: number } = { limit: 50 }) => {
      const res = await listOpenOpportunities(db.em(), actor, { whose, ...page });
      return { ids: res.items.map((i) => i.opportunity.id), total: res.total, names: res.items.map((i) => i.customerName) };
    };
    const repMine = await ids(w.repA.actor, 'mine');
    expect(repMine.ids).toEqual([a4.id, a2.id, a1.id, a3.id]);
    expect(repMine.total).toBe(4);
    expect(new Set(repMine.names)).toEqual(new Set(['Globex']));
    expect((await ids(w.repA.actor, 'team')).ids).toEqual(repMine.ids);
    expect((await ids(w.repA.actor)).ids).toEqual(repMine.ids);

    expect((await ids(w.manager.actor, 'mine')).ids).toEqual([mgr.id]);
    // Larger first; among the 1000s the soonest closing, undated last: Mgr (Nov 30), B (Dec 5), Sub.
    expect((await ids(w.manager.actor, 'team')).ids).toEqual([a4.id, mgr.id, b.id, sub.id, a2.id, a1.id, a3.id]);
    expect((await ids(w.admin.actor, 'mine')).ids).toEqual([]);
    const adminTeam = await ids(w.admin.actor, 'team');
    // Sub and West tie on date and amount: the id decides, the same way on every page.
    const tie = [sub.id, west.id].sort();
    expect(adminTeam.ids).toEqual([a4.id, mgr.id, b.id, ...tie, a2.id, a1.id, a3.id]);
    expect((await ids(systemActor(tenant.id), 'mine')).ids).toEqual(adminTeam.ids);

    const page = await ids(w.admin.actor, 'team', { offset: 2, limit: 3 });
    expect(page).toMatchObject({ ids: [b.id, ...tie], total: 8 });
    const pages = [];
    for (let offset = 0; offset < 8; offset += 3) pages.push(...(await ids(w.admin.actor, 'team', { offset, limit: 3 })).ids);
    expect(pages).toEqual(adminTeam.ids);
    expect((await ids(w.admin.actor, 'team', { offset: -4, limit: -1 })).ids).toEqual([a4.id]);
    expect((await listOpenOpportunities(db.em(), w.admin.actor, { whose: 'team', limit: 500 })).items).toHaveLength(8);
  });
});
