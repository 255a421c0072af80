import type { ScoreInputs, Stage } from './opportunity.entity';

export const scoreFactors = ['urgency', 'budget', 'competition', 'decisionMaker', 'fit'] as const;
export type ScoreFactor = (typeof scoreFactors)[number];
export type ScoreWeights = Record<ScoreFactor, number>;

/** Admins may change these later; they add up to 1 so the score reads as a percentage. */
export const defaultScoreWeights: ScoreWeights = { urgency: 0.25, budget: 0.25, competition: 0.15, decisionMaker: 0.2, fit: 0.15 };

export const defaultStageProbability: Record<Stage, number> = {
  initial_contact: 10,
  solution: 25,
  quote: 50,
  negotiation: 75,
  won: 100,
  lost: 0,
};

export type ScoreExplanation = { factor: ScoreFactor; rating: number; weight: number; points: number };

/**
 * Each factor is rated 0–5 (competition: 5 means *little* competition). The score is the
 * weighted share of the maximum, 0–100; unrated factors count as missing, not as zero.
 */
export function scoreOpportunity(inputs: ScoreInputs, weights: ScoreWeights = defaultScoreWeights): { score: number | null; explanation: ScoreExplanation[] } {
  // NaN or Infinity is no rating at all (it would turn the whole score into NaN).
  const rated = scoreFactors.filter((f) => Number.isFinite(inputs[f]));
  const totalWeight = rated.reduce((sum, f) => sum + weights[f], 0);
  // With custom weights every rated factor may weigh nothing: there is nothing to score then.
  if (rated.length === 0 || !(totalWeight > 0)) return { score: null, explanation: [] };
  const explanation = rated.map((factor) => {
    const rating = Math.min(5, Math.max(0, Math.round(inputs[factor]!)));
    const weight = weights[factor] / totalWeight;
    return { factor, rating, weight, points: Math.round((rating / 5) * weight * 100) };
  });
  const score = Math.round(explanation.reduce((sum, e) => sum + (e.rating / 5) * e.weight * 100, 0));
  return { score, explanation };
}
