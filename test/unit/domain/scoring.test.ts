import Decimal from 'decimal.js';
import fc from 'fast-check';
import { checklistFor, splitChecklistText, tickedIndexes, toggleTick, uncheckedItems } from '../../../src/domain/opportunities/checklists';
import { scoreFactors } from '../../../src/domain/opportunities/score-opportunity';
import { computeScore, defaultScoringSettings, effectiveScoring, explainScore, priorityOf, scoringProblems, winProbabilityAt, type ScoringSettings } from '../../../src/domain/opportunities/scoring';
import { previewScoringChange } from '../../../src/domain/opportunities/set-scoring-settings';

const d = defaultScoringSettings;
const custom: ScoringSettings = { ...d, weights: { urgency: 30, budget: 25, competition: 15, decisionMaker: 20, fit: 10 } };

describe('explainScore', () => {
  test('worked examples: the points shown add up to the score', () => {
    const all = explainScore({ urgency: 4, budget: 3, competition: 2, decisionMaker: 5, fit: 1 }, 0, d);
    // 4/5·25 + 3/5·25 + 2/5·15 + 5/5·20 + 1/5·15 = 20 + 15 + 6 + 20 + 3
    expect(all.parts.map((p) => [p.factor, p.points])).toEqual([['urgency', 20], ['budget', 15], ['competition', 6], ['decisionMaker', 20], ['fit', 3]]);
    expect(all.score).toBe(64);

    // Unrated factors are left out: the two rated ones share the whole 100.
    const two = explainScore({ urgency: 4, budget: 3 }, 0, d);
    expect(two.parts.map((p) => p.points)).toEqual([40, 30]);
    expect(two.score).toBe(70);

    // 3/5 of each, weights 30, 25, 15 of 70: 25.71 + 21.43 + 12.86 = 60; largest remainders get the two extra points.
    const rounded = explainScore({ urgency: 3, budget: 3, competition: 3 }, 0, custom);
    expect(rounded.parts.map((p) => p.points)).toEqual([26, 21, 13]);
    expect(rounded.score).toBe(60);
  });

  test('signals: added after the ratings, alone when nothing is rated, within 0–100', () => {
    expect(explainScore({ urgency: 4, budget: 3 }, 10, d)).toMatchObject({ weighted: 70, signals: 10, total: 80, score: 80, capped: false });
    expect(explainScore({}, 15, d)).toMatchObject({ parts: [], weighted: null, score: 15 });
    expect(explainScore({}, 0, d).score).toBeNull();
    expect(explainScore({ urgency: 5, budget: 5, fit: 4 }, 10, d)).toMatchObject({ weighted: 95, total: 105, score: 100, capped: true });
    expect(explainScore({ fit: 1 }, -30, d)).toMatchObject({ weighted: 20, total: -10, score: 0, capped: true });
    // Every rated factor weighs nothing: no score from ratings.
    expect(explainScore({ fit: 5 }, 0, { ...d, weights: { ...d.weights, fit: 0, urgency: 40 } }).score).toBeNull();
  });

  test('against an independent exact calculation, for any ratings, weights and boost', () => {
    const weights = fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }));
    const rating = fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined });
    fc.assert(
      fc.property(weights, fc.tuple(rating, rating, rating, rating, rating), fc.integer({ min: -50, max: 80 }), (w4, ratings, boost) => {
        const rest = 100 - w4.reduce((a, b) => a + b, 0);
        if (rest < 0) return;
        const w = [...w4, rest];
        const settings: ScoringSettings = { ...d, weights: Object.fromEntries(scoreFactors.map((f, i) => [f, w[i]!])) as ScoringSettings['weights'] };
        const inputs = Object.fromEntries(scoreFactors.flatMap((f, i) => (ratings[i] === undefined ? [] : [[f, ratings[i]]])));
        const e = explainScore(inputs, boost, settings);
        // Independently: decimal arithmetic on the definition.
        const rated = scoreFactors.map((f, i) => ({ r: ratings[i], w: w[i]! })).filter((x) => x.r !== undefined);
        const totalWeight = rated.reduce((n, x) => n + x.w, 0);
        if (rated.length === 0 || totalWeight === 0) {
          expect(e.weighted).toBeNull();
          expect(e.score).toBe(boost > 0 ? Math.min(100, boost) : null);
          return;
        }
        const exact = rated.map((x) => new Decimal(x.r!).div(5).mul(x.w).div(totalWeight).mul(100));
        const weighted = exact.reduce((a, b) => a.plus(b), new Decimal(0)).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
        expect(e.weighted).toBe(weighted);
        expect(e.score).toBe(Math.min(100, Math.max(0, weighted + boost)));
        // The shown points add up, and each is its exact share rounded down or up.
        expect(e.parts.reduce((n, p) => n + p.points, 0) + e.signals).toBe(e.total);
        e.parts.forEach((p, i) => expect([exact[i]!.floor().toNumber(), exact[i]!.ceil().toNumber()]).toContain(p.points));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('win probability curve and priority bands', () => {
  test('piecewise linear between the points, rounded half up', () => {
    const at = (s: number) => winProbabilityAt(s, d.curve);
    expect([0, 25, 50, 64, 65, 80, 90, 100].map(at)).toEqual([5, 20, 35, 51, 53, 70, 80, 90]);
    // A flat stretch and a step.
    const curve = [[0, 0], [40, 0], [60, 50], [100, 50]] as const;
    expect([0, 40, 50, 60, 99].map((s) => winProbabilityAt(s, curve))).toEqual([0, 0, 25, 50, 50]);
    expect(computeScore({ urgency: 4, budget: 3 }, 0, d)).toEqual({ score: 70, winProbability: 58 });
    expect(computeScore({}, 0, d)).toEqual({ score: null, winProbability: null });
  });

  test('bands: high from 70, medium from 40, else low; nothing without a score', () => {
    expect([100, 70, 69, 40, 39, 0].map((s) => priorityOf(s, d.bands))).toEqual(['high', 'high', 'medium', 'medium', 'low', 'low']);
    expect(priorityOf(null, d.bands)).toBeNull();
    expect(priorityOf(55, { high: 55, medium: 10 })).toBe('high');
  });

  test('what admins may set: weights adding up to 100, 2–10 rising points from 0 to 100 that never fall, high above medium', () => {
    expect(scoringProblems(d)).toEqual([]);
    const kinds = (s: Partial<ScoringSettings>) => scoringProblems({ ...d, ...s }).map((p) => p.kind);
    expect(scoringProblems({ ...d, weights: { ...d.weights, fit: 10 } })).toEqual([{ kind: 'weights_sum', sum: 95 }]);
    expect(kinds({ curve: [[0, 5]] })).toEqual(['curve_points']);
    expect(kinds({ curve: Array.from({ length: 11 }, (_, i) => [i * 10, i * 5] as const) })).toEqual(['curve_points']);
    expect(kinds({ curve: [[0, 5], [50, 101], [100, 90]] })).toEqual(['curve_range']);
    expect(kinds({ curve: [[0, 5], [50, 35], [50, 40], [100, 90]] })).toEqual(['curve_order']);
    expect(kinds({ curve: [[10, 5], [100, 90]] })).toEqual(['curve_ends']);
    expect(kinds({ curve: [[0, 50], [100, 40]] })).toEqual(['curve_falls']);
    expect(kinds({ bands: { high: 40, medium: 40 } })).toEqual(['bands']);
    // Partial weights keep the others; what is stored broken falls back to the defaults.
    expect(previewScoringChange(d, { weights: { urgency: 30, fit: 10 } }).settings.weights).toEqual({ urgency: 30, budget: 25, competition: 15, decisionMaker: 20, fit: 10 });
    expect(effectiveScoring({ weights: { ...d.weights, fit: 99 }, bands: { high: 80, medium: 50 } })).toEqual({ ...d, bands: { high: 80, medium: 50 } });
    expect(effectiveScoring(null)).toEqual(d);
  });
});

describe('exit checklists', () => {
  test('defaults per open stage, none when closed; ticks toggle and belong to the list they were made on', () => {
    const solution = checklistFor({}, 'solution')!;
    expect(solution).toMatchObject({ custom: false, list: 'default', items: [{ key: 'opp.exitItems.solution.1' }, { key: 'opp.exitItems.solution.2' }, { key: 'opp.exitItems.solution.3' }] });
    expect(checklistFor({}, 'won')).toBeNull();
    let ticks = toggleTick({}, solution, 1);
    ticks = toggleTick(ticks, solution, 2);
    expect([...tickedIndexes(ticks, solution)]).toEqual([1, 2]);
    ticks = toggleTick(ticks, solution, 1);
    expect(uncheckedItems(ticks, solution)).toEqual([{ index: 0, key: 'opp.exitItems.solution.1' }, { index: 1, key: 'opp.exitItems.solution.2' }]);
    const edited = checklistFor({ solution: ['Demo done', 'Scope agreed'] }, 'solution')!;
    expect(edited.custom).toBe(true);
    expect(tickedIndexes(ticks, edited).size).toBe(0);
    expect(splitChecklistText(' Demo  done; Scope agreed ；；第三项\n')).toEqual(['Demo done', 'Scope agreed', '第三项']);
  });
});
