import fc from 'fast-check';
import { defaultScoreWeights, defaultStageProbability, scoreFactors, scoreOpportunity, type ScoreWeights } from '../../../src/domain/opportunities/score-opportunity';
import { stages, type ScoreInputs } from '../../../src/domain/opportunities/opportunity.entity';

describe('scoreOpportunity', () => {
  test('nothing rated: no score rather than zero', () => {
    expect(scoreOpportunity({})).toEqual({ score: null, explanation: [] });
  });

  test.each<[string, ScoreInputs, number]>([
    ['everything at 5', { urgency: 5, budget: 5, competition: 5, decisionMaker: 5, fit: 5 }, 100],
    ['everything at 0', { urgency: 0, budget: 0, competition: 0, decisionMaker: 0, fit: 0 }, 0],
    ['one factor at 5, the rest unrated', { urgency: 5 }, 100],
    ['one factor at 0, the rest unrated', { fit: 0 }, 0],
    ['urgency 5, budget 0 (equal weights)', { urgency: 5, budget: 0 }, 50],
    ['urgency 5, budget 5, competition 0: .50/.65', { urgency: 5, budget: 5, competition: 0 }, 77],
    ['all rated: .25 + .25 + 0 + .2 + .15 × 3/5', { urgency: 5, budget: 5, competition: 0, decisionMaker: 5, fit: 3 }, 79],
    ['all at 3', { urgency: 3, budget: 3, competition: 3, decisionMaker: 3, fit: 3 }, 60],
    ['decision maker 1, fit 4: (.2 × .2 + .15 × .8)/.35', { decisionMaker: 1, fit: 4 }, 46],
  ])('%s → %i', (_, inputs, score) => {
    expect(scoreOpportunity(inputs).score).toBe(score);
  });

  test('the explanation lists rated factors in a fixed order with weights renormalised to the rated ones', () => {
    const { score, explanation } = scoreOpportunity({ fit: 4, urgency: 2 });
    expect(explanation.map((e) => e.factor)).toEqual(['urgency', 'fit']);
    expect(explanation[0]).toMatchObject({ factor: 'urgency', rating: 2 });
    expect(explanation[0]!.weight).toBeCloseTo(0.25 / 0.4, 10);
    expect(explanation[1]!.weight).toBeCloseTo(0.15 / 0.4, 10);
    // urgency 2/5 × .625 = 25 points; fit 4/5 × .375 = 30 points
    expect(explanation.map((e) => e.points)).toEqual([25, 30]);
    expect(score).toBe(55);
  });

  test('ratings outside 0–5 are clamped and fractions rounded', () => {
    expect(scoreOpportunity({ urgency: 9 }).explanation[0]!.rating).toBe(5);
    expect(scoreOpportunity({ urgency: -3 }).explanation[0]!.rating).toBe(0);
    expect(scoreOpportunity({ urgency: 2.6 }).explanation[0]!.rating).toBe(3);
    expect(scoreOpportunity({ urgency: 9, budget: -3 }).score).toBe(50);
  });

  test('a rating that is not a number is treated as unrated, never as NaN', () => {
    expect(scoreOpportunity({ urgency: Number.NaN })).toEqual({ score: null, explanation: [] });
    expect(scoreOpportunity({ urgency: Number.NaN, budget: 5 }).score).toBe(100);
    expect(scoreOpportunity({ urgency: Number.POSITIVE_INFINITY, budget: 0 }).score).toBe(0);
  });

  test('custom weights: a zero weight counts for nothing; all-zero weights give no score', () => {
    const onlyUrgency: ScoreWeights = { urgency: 1, budget: 0, competition: 0, decisionMaker: 0, fit: 0 };
    expect(scoreOpportunity({ urgency: 3, budget: 5 }, onlyUrgency).score).toBe(60);
    expect(scoreOpportunity({ budget: 5, fit: 1 }, onlyUrgency)).toMatchObject({ score: null });
  });

  test('default weights add up to 1 and stage probabilities cover every stage', () => {
    expect(scoreFactors.reduce((s, f) => s + defaultScoreWeights[f], 0)).toBeCloseTo(1, 10);
    expect(Object.keys(defaultStageProbability).sort()).toEqual([...stages].sort());
    expect(defaultStageProbability).toMatchObject({ won: 100, lost: 0 });
  });

  const rating = fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined });
  const inputsArb = fc.record({ urgency: rating, budget: rating, competition: rating, decisionMaker: rating, fit: rating });
  const clean = (i: Record<string, number | undefined>): ScoreInputs => Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined));

  test('property: the score is a whole number from 0 to 100, or null exactly when nothing is rated', () => {
    fc.assert(fc.property(inputsArb, (raw) => {
      const inputs = clean(raw);
      const { score, explanation } = scoreOpportunity(inputs);
      if (Object.keys(inputs).length === 0) return score === null && explanation.length === 0;
      return Number.isInteger(score) && score! >= 0 && score! <= 100 && explanation.length === Object.keys(inputs).length
        && Math.abs(explanation.reduce((s, e) => s + e.weight, 0) - 1) < 1e-9;
    }));
  });

  test('property: raising one rating never lowers the score', () => {
    fc.assert(fc.property(inputsArb, fc.constantFrom(...scoreFactors), (raw, factor) => {
      const inputs = clean(raw);
      const current = inputs[factor];
      if (current === undefined || current === 5) return true;
      return scoreOpportunity({ ...inputs, [factor]: current + 1 }).score! >= scoreOpportunity(inputs).score!;
    }));
  });
});
