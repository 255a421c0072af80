import Decimal from 'decimal.js';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { getScoringSettings } from '../../../src/domain/opportunities/get-scoring-settings';
import { listOpenOpportunities } from '../../../src/domain/opportunities/list-open-opportunities';
import { loseOpportunity, moveOpportunityStage, winOpportunity } from '../../../src/domain/opportunities/move-opportunity-stage';
import { Opportunity, type ScoreInputs } from '../../../src/domain/opportunities/opportunity.entity';
import { rateOpportunity } from '../../../src/domain/opportunities/rate-opportunity';
import { setScoringSettings } from '../../../src/domain/opportunities/set-scoring-settings';
import { listStageChecklists, setStageChecklist } from '../../../src/domain/opportunities/set-stage-checklist';
import { StageChange } from '../../../src/domain/opportunities/stage-change.entity';
import { tickChecklistItem } from '../../../src/domain/opportunities/tick-checklist-item';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeCustomer, makeOpportunity, makeOrgWorld, refused, refusedWithoutChange } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function world() {
  const w = await makeOrgWorld(db);
  const customer = await makeCustomer(w.em, w.tenant, w.repA.user, 'Globex');
  return { ...w, customer, t: [w.tenant.id, w.otherTenant.id] };
}
const reload = (id: string) => db.em().findOneOrFail(Opportunity, { id });

type W = Record<'urgency' | 'budget' | 'competition' | 'decisionMaker' | 'fit', number>;
const factors = ['urgency', 'budget', 'competition', 'decisionMaker', 'fit'] as const;
/** The definition, computed on its own: decimal arithmetic, half up, boost added, 0–100. */
function expectedScore(inputs: ScoreInputs, weights: W, boost = 0): number | null {
  const rated = factors.filter((f) => inputs[f] !== undefined);
  const total = rated.reduce((n, f) => n + weights[f], 0);
  if (rated.length === 0 || total === 0) return boost > 0 ? Math.min(100, boost) : null;
  const w = rated.reduce((sum, f) => sum.plus(new Decimal(inputs[f]!).div(5).mul(weights[f]).div(total).mul(100)), new Decimal(0));
  return Math.min(100, Math.max(0, w.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() + boost));
}
/** The curve, on its own: find the segment, interpolate, half up. */
function expectedWin(score: number, curve: Array<[number, number]>): number {
  const i = curve.findIndex(([x]) => x >= score);
  if (curve[i]![0] === score) return curve[i]![1];
  const [x0, y0] = curve[i - 1]!;
  const [x1, y1] = curve[i]!;
  return new Decimal(y1 - y0).mul(score - x0).div(x1 - x0).plus(y0).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}
const defaults: W = { urgency: 25, budget: 25, competition: 15, decisionMaker: 20, fit: 15 };
const defaultCurve: Array<[number, number]> = [[0, 5], [50, 35], [80, 70], [100, 90]];

describe('rateOpportunity', () => {
  test('the owner rates: score, win probability and audit; the same ratings again change nothing; unrated factors are left out', async () => {
    const w = await world();
    const o = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    const rated = await rateOpportunity(db.em(), w.repA.actor, o.id, { urgency: 4, budget: 3, competition: 2, decisionMaker: 5, fit: 1 });
    expect(rated).toMatchObject({ score: 64, winProbability: 51 });
    expect(expectedScore({ urgency: 4, budget: 3, competition: 2, decisionMaker: 5, fit: 1 }, defaults)).toBe(64);
    expect(expectedWin(64, defaultCurve)).toBe(51);
    const stored = await reload(o.id);
    expect(stored).toMatchObject({ scoreInputs: { urgency: 4, budget: 3, competition: 2, decisionMaker: 5, fit: 1 }, score: 64, winProbability: 51, probability: 10 });

    await rateOpportunity(db.em(), w.repA.actor, o.id, { urgency: 4, budget: 3, competition: 2, decisionMaker: 5, fit: 1 });
    expect(await reload(o.id)).toMatchObject({ score: 64, winProbability: 51 });

    // Budget and fit no longer rated: the three others share the weight.
    await rateOpportunity(db.em(), w.manager.actor, o.id, { urgency: 4, budget: null, competition: 2, decisionMaker: 5 });
    const partial = await reload(o.id);
    expect(partial.scoreInputs).toEqual({ urgency: 4, competition: 2, decisionMaker: 5 });
    expect(partial.score).toBe(expectedScore({ urgency: 4, competition: 2, decisionMaker: 5 }, defaults));
    // (4·25 + 2·15 + 5·20)·20 / 60 = 76.67
    expect(partial.score).toBe(77);
    expect(partial.winProbability).toBe(expectedWin(77, defaultCurve));

    await rateOpportunity(db.em(), w.admin.actor, o.id, {});
    expect(await reload(o.id)).toMatchObject({ scoreInputs: {}, score: null, winProbability: null });
    const audits = await db.em().find(AuditEntry, { entityId: o.id, action: 'opportunity.rate' });
    expect(audits).toHaveLength(4);
  });

  test('a rep cannot rate another rep\'s deal, ratings are 0–5, a closed deal is not rated; nothing is written', async () => {
    const w = await world();
    const o = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    await refusedWithoutChange(db, w.t, () => rateOpportunity(db.em(), w.repB.actor, o.id, { urgency: 5 }), 'forbidden');
    await refusedWithoutChange(db, w.t, () => rateOpportunity(db.em(), w.repW.actor, o.id, { urgency: 5 }), 'forbidden');
    await refusedWithoutChange(db, w.t, () => rateOpportunity(db.em(), w.foreignRep.actor, o.id, { urgency: 5 }), 'not_found');
    await refusedWithoutChange(db, w.t, () => rateOpportunity(db.em(), w.repA.actor, o.id, { urgency: 6 }), 'invalid_input');
    await refusedWithoutChange(db, w.t, () => rateOpportunity(db.em(), w.repA.actor, o.id, { urgency: 2.5 }), 'invalid_input');
    await refusedWithoutChange(db, w.t, () => rateOpportunity(db.em(), w.repA.actor, o.id, { luck: 3 } as never), 'invalid_input');
    const won = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer, { stage: 'won' });
    await refusedWithoutChange(db, w.t, () => rateOpportunity(db.em(), w.repA.actor, won.id, { urgency: 5 }), 'conflict');
  });

  test('signal points add to the score; alone they are the score', async () => {
    const w = await world();
    const o = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    await db.em().execute(`update opportunities set signal_boost = 12 where id = ?`, [o.id]);
    expect(await rateOpportunity(db.em(), w.repA.actor, o.id, {})).toMatchObject({ score: 12, winProbability: expectedWin(12, defaultCurve) });
    expect(await rateOpportunity(db.em(), w.repA.actor, o.id, { urgency: 5, budget: 5, fit: 4 })).toMatchObject({ score: 100, winProbability: 90 });
    expect(expectedScore({ urgency: 5, budget: 5, fit: 4 }, defaults, 12)).toBe(100);
  });
});

describe('setScoringSettings', () => {
  test('a change of weights re-scores every open deal of the tenant, not the closed ones nor another tenant\'s; the curve sets win probability', async () => {
    const w = await world();
    const ratings: ScoreInputs[] = [
      { urgency: 5, budget: 1, competition: 3, decisionMaker: 2, fit: 4 },
      { urgency: 2, budget: 5 },
      { competition: 4, fit: 3 },
      {},
    ];
    const open = [];
    for (const [i, r] of ratings.entries()) {
      const o = await makeOpportunity(w.em, w.tenant, i % 2 ? w.repB.user : w.repA.user, w.customer, { title: `open ${i}`, stage: i === 2 ? 'negotiation' : 'solution' });
      await rateOpportunity(db.em(), w.admin.actor, o.id, r);
      open.push(o);
    }
    await db.em().execute(`update opportunities set signal_boost = 7 where id = ?`, [open[3]!.id]);
    await db.em().execute(`update opportunities set signal_boost = 5 where id = ?`, [open[1]!.id]);
    const won = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer, { title: 'to win' });
    await rateOpportunity(db.em(), w.repA.actor, won.id, { urgency: 1, budget: 5 });
    await winOpportunity(db.em(), w.repA.actor, won.id);
    const lost = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer, { title: 'to lose' });
    await rateOpportunity(db.em(), w.repA.actor, lost.id, { fit: 5 });
    await loseOpportunity(db.em(), w.repA.actor, lost.id, 'price');
    const foreignCustomer = await makeCustomer(w.em, w.otherTenant, w.foreignRep.user, 'Foreign');
    const foreign = await makeOpportunity(w.em, w.otherTenant, w.foreignRep.user, foreignCustomer);
    await rateOpportunity(db.em(), w.foreignRep.actor, foreign.id, { urgency: 1, budget: 5 });
    const closedBefore = [await reload(won.id), await reload(lost.id), await reload(foreign.id)].map((o) => [o.score, o.winProbability]);

    const weights: W = { urgency: 40, budget: 10, competition: 10, decisionMaker: 30, fit: 10 };
    const result = await setScoringSettings(db.em(), w.admin.actor, { weights: { urgency: 40, budget: 10, competition: 10, decisionMaker: 30, fit: 10 } });
    expect(result.rescored).toBe(4);
    const boosts = [0, 5, 0, 7];
    for (const [i, o] of open.entries()) {
      const now = await reload(o.id);
      const score = expectedScore(ratings[i]!, weights, boosts[i]);
      expect({ i, score: now.score, win: now.winProbability }).toEqual({ i, score, win: score === null ? null : expectedWin(score, defaultCurve) });
    }
    // Worked by hand: 5·40 + 1·10 + 3·10 + 2·30 + 4·10 = 340 of 500 → 68; (2·40 + 5·10)/250 = 52 + 5 → 57.
    expect((await reload(open[0]!.id)).score).toBe(68);
    expect((await reload(open[1]!.id)).score).toBe(57);
    expect((await reload(open[3]!.id)).score).toBe(7);
    expect([await reload(won.id), await reload(lost.id), await reload(foreign.id)].map((o) => [o.score, o.winProbability])).toEqual(closedBefore);
    expect((await reload(won.id)).score).toBe(expectedScore({ urgency: 1, budget: 5 }, defaults));

    const curve: Array<[number, number]> = [[0, 0], [60, 30], [100, 100]];
    expect((await setScoringSettings(db.em(), w.admin.actor, { curve })).rescored).toBe(4);
    for (const [i, o] of open.entries()) {
      const score = expectedScore(ratings[i]!, weights, boosts[i]);
      expect((await reload(o.id)).winProbability).toBe(score === null ? null : expectedWin(score, curve));
    }
    expect((await reload(open[0]!.id)).winProbability).toBe(44); // 30 + 70·8/40
    const shown = await getScoringSettings(db.em(), w.repA.actor);
    expect(shown).toEqual({ settings: { weights, curve, bands: { high: 70, medium: 40 } }, custom: { weights: true, curve: true, bands: false } });

    const audit = await db.em().find(AuditEntry, { tenantId: w.tenant.id, action: 'tenant.scoring' });
    expect(audit).toHaveLength(2);
    expect(audit[0]!.after).toMatchObject({ rescored: 4, scoring: { weights } });

    expect((await setScoringSettings(db.em(), w.admin.actor, 'reset')).rescored).toBe(4);
    for (const [i, o] of open.entries()) expect((await reload(o.id)).score).toBe(expectedScore(ratings[i]!, defaults, boosts[i]));
  });

  test('only admins; weights must add up to 100, the curve must rise from 0 to 100: refused without a change', async () => {
    const w = await world();
    const o = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    await rateOpportunity(db.em(), w.repA.actor, o.id, { urgency: 3 });
    const good = { weights: { urgency: 40, budget: 10, competition: 10, decisionMaker: 30, fit: 10 } };
    await refusedWithoutChange(db, w.t, () => setScoringSettings(db.em(), w.repA.actor, good), 'forbidden');
    await refusedWithoutChange(db, w.t, () => setScoringSettings(db.em(), w.manager.actor, good), 'forbidden');
    await refusedWithoutChange(db, w.t, () => setScoringSettings(db.em(), w.repA.actor, 'reset'), 'forbidden');
    const err = await refusedWithoutChange(db, w.t, () => setScoringSettings(db.em(), w.admin.actor, { weights: { urgency: 50 } }), 'invalid_input');
    expect(err.details.problems).toEqual([{ kind: 'weights_sum', sum: 125 }]);
    await refusedWithoutChange(db, w.t, () => setScoringSettings(db.em(), w.admin.actor, { curve: [[0, 50], [100, 10]] }), 'invalid_input');
    await refusedWithoutChange(db, w.t, () => setScoringSettings(db.em(), w.admin.actor, { curve: [[0, 5], [90, 95]] }), 'invalid_input');
    await refusedWithoutChange(db, w.t, () => setScoringSettings(db.em(), w.admin.actor, { bands: { high: 30, medium: 50 } }), 'invalid_input');
  });

  test('10,000 open deals are re-scored in batches, each to its exact score', async () => {
    const w = await world();
    // Ratings cycle through patterns; every 7th deal is unrated with a boost, every 11th closed.
    await db.em().execute(
      `insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, stage, stage_changed_at, probability, score_inputs, signal_boost, created_at, updated_at)
       select gen_random_uuid(), ?, ?, ?, 'bulk ' || i, 100, 'USD', case when i % 11 = 0 then 'won' else 'quote' end, now(), 50,
              case when i % 7 = 0 then '{}'::jsonb else jsonb_build_object('urgency', i % 6, 'budget', (i / 6) % 6, 'fit', (i / 36) % 6) end,
              case when i % 7 = 0 then i % 30 else 0 end, now(), now()
         from generate_series(1, 11000) as i`,
      [w.tenant.id, w.customer.id, w.repA.user.id],
    );
    const open = await db.em().execute(`select count(*)::int as n from opportunities where tenant_id = ? and stage = 'quote'`, [w.tenant.id]);
    const weights: W = { urgency: 35, budget: 5, competition: 20, decisionMaker: 20, fit: 20 };
    const { rescored } = await setScoringSettings(db.em(), w.admin.actor, { weights });
    expect(rescored).toBe(open[0].n);
    expect(rescored).toBe(11000 - 1000);
    const rows: Array<{ score_inputs: ScoreInputs; signal_boost: number; stage: string; score: number | null; win_probability: number | null }> = await db.em().execute(
      `select score_inputs, signal_boost, stage, score, win_probability from opportunities where tenant_id = ? and title like 'bulk %'`,
      [w.tenant.id],
    );
    const wrong = rows.filter((r) => {
      if (r.stage === 'won') return r.score !== null;
      const score = expectedScore(r.score_inputs, weights, r.signal_boost);
      return r.score !== score || r.win_probability !== (score === null ? null : expectedWin(score, defaultCurve));
    });
    expect(wrong).toEqual([]);
  }, 60_000);
});

test('ratings made while the weights change end scored by the new weights, without a deadlock', async () => {
  const w = await world();
  const deals = [];
  for (let i = 0; i < 20; i++) deals.push(await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer, { title: `race ${i}` }));
  const weights: W = { urgency: 10, budget: 10, competition: 10, decisionMaker: 10, fit: 60 };
  const ratingOf = (i: number): ScoreInputs => ({ urgency: i % 6, fit: (i * 7) % 6 });
  const results = await Promise.allSettled([
    ...deals.slice(0, 10).map((o, i) => rateOpportunity(db.em(), w.repA.actor, o.id, ratingOf(i))),
    setScoringSettings(db.em(), w.admin.actor, { weights }),
    ...deals.slice(10).map((o, i) => rateOpportunity(db.em(), w.repA.actor, o.id, ratingOf(i + 10))),
  ]);
  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  for (const [i, o] of deals.entries()) expect({ i, score: (await reload(o.id)).score }).toEqual({ i, score: expectedScore(ratingOf(i), weights) });
});

describe('exit checklists', () => {
  test('ticks toggle per stage; a stale card changes nothing; only those who may change the deal tick', async () => {
    const w = await world();
    const o = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    expect(await tickChecklistItem(db.em(), w.repA.actor, o.id, { stage: 'initial_contact', index: 0 })).toMatchObject({ stale: false, done: true });
    expect(await tickChecklistItem(db.em(), w.manager.actor, o.id, { stage: 'initial_contact', index: 2 })).toMatchObject({ stale: false, done: true });
    expect(await tickChecklistItem(db.em(), w.repA.actor, o.id, { stage: 'initial_contact', index: 0 })).toMatchObject({ stale: false, done: false });
    expect((await reload(o.id)).checklistTicks).toEqual({ initial_contact: { list: 'default', done: [2] } });
    const audits = (await db.em().find(AuditEntry, { entityId: o.id }, { orderBy: { id: 'asc' } })).map((a) => a.action).filter((a) => a.startsWith('opportunity.checklist'));
    expect(audits).toEqual(['opportunity.checklist.tick', 'opportunity.checklist.tick', 'opportunity.checklist.untick']);

    expect(await tickChecklistItem(db.em(), w.repA.actor, o.id, { stage: 'solution', index: 0 })).toMatchObject({ stale: true });
    expect((await reload(o.id)).checklistTicks).toEqual({ initial_contact: { list: 'default', done: [2] } });
    await refusedWithoutChange(db, w.t, () => tickChecklistItem(db.em(), w.repB.actor, o.id, { stage: 'initial_contact', index: 1 }), 'forbidden');
    await refusedWithoutChange(db, w.t, () => tickChecklistItem(db.em(), w.repA.actor, o.id, { stage: 'initial_contact', index: 3 }), 'invalid_input');
  });

  test('moving on records what was skipped on the stage change and in the audit; the next stage starts unticked; admins edit lists', async () => {
    const w = await world();
    const o = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    await tickChecklistItem(db.em(), w.repA.actor, o.id, { stage: 'initial_contact', index: 0 });
    await moveOpportunityStage(db.em(), w.repA.actor, o.id, { to: 'solution' });
    const change = await db.em().findOneOrFail(StageChange, { opportunityId: o.id, toStage: 'solution' });
    expect(change.skippedItems).toEqual([{ index: 1, key: 'opp.exitItems.initial_contact.2' }, { index: 2, key: 'opp.exitItems.initial_contact.3' }]);
    const audit = await db.em().findOneOrFail(AuditEntry, { entityId: o.id, action: 'opportunity.stage.solution' });
    expect(audit.after).toMatchObject({ stage: 'solution', skippedItems: change.skippedItems });
    // Ticks of the stage left are kept on the deal.
    expect((await reload(o.id)).checklistTicks).toEqual({ initial_contact: { list: 'default', done: [0] } });

    await refusedWithoutChange(db, w.t, () => setStageChecklist(db.em(), w.repA.actor, 'solution', ['Demo done']), 'forbidden');
    await refusedWithoutChange(db, w.t, () => setStageChecklist(db.em(), w.admin.actor, 'solution', ['x'.repeat(121)]), 'invalid_input');
    await refusedWithoutChange(db, w.t, () => setStageChecklist(db.em(), w.admin.actor, 'solution', Array.from({ length: 11 }, (_, i) => `item ${i}`)), 'invalid_input');
    await refusedWithoutChange(db, w.t, () => setStageChecklist(db.em(), w.admin.actor, 'won' as never, ['party']), 'invalid_input');
    await setStageChecklist(db.em(), w.admin.actor, 'solution', ['Demo done', 'Technical fit confirmed']);
    const lists = await listStageChecklists(db.em(), w.repA.actor);
    expect(lists.find((l) => l.stage === 'solution')).toMatchObject({ custom: true, items: [{ text: 'Demo done' }, { text: 'Technical fit confirmed' }] });
    expect(lists.find((l) => l.stage === 'quote')).toMatchObject({ custom: false });

    await tickChecklistItem(db.em(), w.repA.actor, o.id, { stage: 'solution', index: 0 });
    await tickChecklistItem(db.em(), w.repA.actor, o.id, { stage: 'solution', index: 1 });
    await moveOpportunityStage(db.em(), w.repA.actor, o.id, { to: 'quote' });
    expect((await db.em().findOneOrFail(StageChange, { opportunityId: o.id, toStage: 'quote' })).skippedItems).toBeNull();

    await winOpportunity(db.em(), w.repA.actor, o.id);
    expect((await db.em().findOneOrFail(StageChange, { opportunityId: o.id, toStage: 'won' })).skippedItems).toEqual([0, 1, 2].map((i) => ({ index: i, key: `opp.exitItems.quote.${i + 1}` })));

    // Losing is not moving on: nothing is recorded as skipped.
    const other = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer);
    await loseOpportunity(db.em(), w.repA.actor, other.id, 'price');
    expect((await db.em().findOneOrFail(StageChange, { opportunityId: other.id, toStage: 'lost' })).skippedItems).toBeNull();

    // An edited list starts its ticks afresh.
    const third = await makeOpportunity(w.em, w.tenant, w.repA.user, w.customer, { stage: 'solution' });
    await tickChecklistItem(db.em(), w.repA.actor, third.id, { stage: 'solution', index: 0 });
    await setStageChecklist(db.em(), w.admin.actor, 'solution', ['Demo done', 'Scope agreed']);
    await moveOpportunityStage(db.em(), w.repA.actor, third.id, { to: 'quote' });
    expect((await db.em().findOneOrFail(StageChange, { opportunityId: third.id, toStage: 'quote' })).skippedItems).toEqual([{ index: 0, text: 'Demo done' }, { index: 1, text: 'Scope agreed' }]);
    await setStageChecklist(db.em(), w.admin.actor, 'solution', null);
    expect((await listStageChecklists(db.em(), w.repA.actor)).find((l) => l.stage === 'solution')).toMatchObject({ custom: false });
    await refused(setStageChecklist(db.em(), w.manager.actor, 'solution', null), 'forbidden');
  });
});

describe('/opp order', () => {
  test('by priority: highest score first, unscored last; then the largest amount, then closing soonest', async () => {
    const w = await world();
    const make = (title: string, amount: string, expectedCloseDate: string | null = null) => makeOpportunity(w.em, w.tenant, w.repA.user, w.customer, { title, amount, expectedCloseDate });
    const low = await make('low', '9000.00');
    const high = await make('high', '10.00');
    const midSmall = await make('mid small', '100.00', '2026-12-01');
    const midBig = await make('mid big', '500.00');
    const midBigSoon = await make('mid big soon', '500.00', '2026-12-03');
    const unscoredBig = await make('unscored big', '99999.00');
    const unscored = await make('unscored', '1.00');
    await rateOpportunity(db.em(), w.repA.actor, low.id, { urgency: 1 }); // 20
    await rateOpportunity(db.em(), w.repA.actor, high.id, { urgency: 5, budget: 4 }); // 90
    for (const o of [midSmall, midBig, midBigSoon]) await rateOpportunity(db.em(), w.repA.actor, o.id, { budget: 3 }); // 60
    const { items } = await listOpenOpportunities(db.em(), w.repA.actor, { limit: 50 });
    expect(items.map((i) => i.opportunity.title)).toEqual(['high', 'mid big soon', 'mid big', 'mid small', 'low', 'unscored big', 'unscored']);
    expect(items.map((i) => i.opportunity.id)).toEqual([high, midBigSoon, midBig, midSmall, low, unscoredBig, unscored].map((o) => o.id));
  });
});
