import type { ScoreInputs } from './opportunity.entity';
import { scoreFactors, type ScoreFactor } from './score-opportunity';

/**
 * How a tenant turns a deal's five ratings into a score, a priority and a win probability. Pure:
 * no database. Weights are whole percentages as the admin typed them (they add up to 100); the
 * curve is a list of (score, win %) points read piecewise linearly; bands say where medium and
 * high priority start.
 *
 * score       = min(100, max(0, round(W + signalBoost)))  where
 * W           = 100 · Σ_rated (rating_f / 5) · weight_f / Σ_rated weight_f   (unrated factors are left out, not zero)
 * no rating   → score = the boost when it is above 0 (signals alone), else none
 * win %       = the curve at the score (rounded), none without a score
 * priority    = high when score ≥ bands.high, medium when ≥ bands.medium, else low; none without a score
 */

export type ScoreWeights = Record<ScoreFactor, number>;
export type CurvePoint = readonly [score: number, winProbability: number];
export type PriorityBands = { high: number; medium: number };
export type ScoringSettings = { weights: ScoreWeights; curve: CurvePoint[]; bands: PriorityBands };
export type Priority = 'high' | 'medium' | 'low';

export const defaultScoringSettings: ScoringSettings = {
  weights: { urgency: 25, budget: 25, competition: 15, decisionMaker: 20, fit: 15 },
  curve: [
    [0, 5],
    [50, 35],
    [80, 70],
    [100, 90],
  ],
  bands: { high: 70, medium: 40 },
};

/** What may be wrong with settings an admin typed, as codes the chat puts into words. */
export type ScoringProblem =
  | { kind: 'weight_range'; factor: ScoreFactor }
  | { kind: 'weights_sum'; sum: number }
  | { kind: 'curve_points' }
  | { kind: 'curve_range' }
  | { kind: 'curve_order' }
  | { kind: 'curve_ends' }
  | { kind: 'curve_falls' }
  | { kind: 'bands' };

const int = (n: unknown, min: number, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

export function scoringProblems(s: ScoringSettings): ScoringProblem[] {
  const problems: ScoringProblem[] = [];
  for (const f of scoreFactors) if (!int(s.weights[f], 0, 100)) problems.push({ kind: 'weight_range', factor: f });
  const sum = scoreFactors.reduce((n, f) => n + (Number(s.weights[f]) || 0), 0);
  if (sum !== 100) problems.push({ kind: 'weights_sum', sum });
  const curve = s.curve;
  if (!Array.isArray(curve) || curve.length < 2 || curve.length > 10) problems.push({ kind: 'curve_points' });
  else if (!curve.every((p) => Array.isArray(p) && p.length === 2 && int(p[0], 0, 100) && int(p[1], 0, 100))) problems.push({ kind: 'curve_range' });
  else {
    if (curve.some((p, i) => i > 0 && p[0] <= curve[i - 1]![0])) problems.push({ kind: 'curve_order' });
    if (curve[0]![0] !== 0 || curve.at(-1)![0] !== 100) problems.push({ kind: 'curve_ends' });
    if (curve.some((p, i) => i > 0 && p[1] < curve[i - 1]![1])) problems.push({ kind: 'curve_falls' });
  }
  const { high, medium } = s.bands ?? ({} as PriorityBands);
  if (!int(high, 1, 100) || !int(medium, 0, 100) || medium >= high) problems.push({ kind: 'bands' });
  return problems;
}

/** A tenant's stored settings (possibly partial or from an older version) over the defaults; anything invalid falls back to them. */
export function effectiveScoring(stored: Partial<ScoringSettings> | null | undefined): ScoringSettings {
  const merged: ScoringSettings = {
    weights: { ...defaultScoringSettings.weights, ...(stored?.weights ?? {}) },
    curve: stored?.curve ?? defaultScoringSettings.curve,
    bands: { ...defaultScoringSettings.bands, ...(stored?.bands ?? {}) },
  };
  const problems = scoringProblems(merged);
  if (problems.length === 0) return merged;
  return {
    weights: problems.some((p) => p.kind === 'weight_range' || p.kind === 'weights_sum') ? defaultScoringSettings.weights : merged.weights,
    curve: problems.some((p) => p.kind.startsWith('curve')) ? defaultScoringSettings.curve : merged.curve,
    bands: problems.some((p) => p.kind === 'bands') ? defaultScoringSettings.bands : merged.bands,
  };
}

/** The ratings that count: whole numbers 0–5 (a NaN or a missing factor is not rated). */
export function ratedFactors(inputs: ScoreInputs): Array<{ factor: ScoreFactor; rating: number }> {
  return scoreFactors
    .filter((f) => Number.isFinite(inputs[f]))
    .map((factor) => ({ factor, rating: Math.min(5, Math.max(0, Math.round(inputs[factor]!))) }));
}

export type ScoreExplanation = {
  /** Each rated factor with its whole points; they add up to `weighted` exactly (largest remainders). */
  parts: Array<{ factor: ScoreFactor; rating: number; weight: number; points: number }>;
  /** round(W): what the ratings give, null when nothing is rated (or every rated factor weighs 0). */
  weighted: number | null;
  signals: number;
  /** weighted + signals before the 0–100 bounds. */
  total: number;
  score: number | null;
  /** The bounds changed the total (e.g. 95 + 10 → 100). */
  capped: boolean;
};

/**
 * The score and where each point came from. Exact integer arithmetic: factor f contributes
 * rating·weight·20 / Σweights (weights are integers), so rounding is decided exactly and the
 * shown points add up to the score (largest-remainder rounding, ties to the earlier factor).
 */
export function explainScore(inputs: ScoreInputs, signalBoost: number, settings: ScoringSettings): ScoreExplanation {
  const boost = Number.isFinite(signalBoost) ? Math.round(signalBoost) : 0;
  const rated = ratedFactors(inputs);
  const denominator = rated.reduce((n, r) => n + settings.weights[r.factor], 0);
  let parts: ScoreExplanation['parts'] = [];
  let weighted: number | null = null;
  if (rated.length > 0 && denominator > 0) {
    const numerators = rated.map((r) => r.rating * settings.weights[r.factor] * 20);
    const sum = numerators.reduce((a, b) => a + b, 0);
    weighted = Math.floor((2 * sum + denominator) / (2 * denominator)); // half up
    const floors = numerators.map((n) => Math.floor(n / denominator));
    let left = weighted - floors.reduce((a, b) => a + b, 0);
    const order = numerators.map((n, i) => ({ i, rest: n % denominator })).sort((a, b) => b.rest - a.rest || a.i - b.i);
    const points = [...floors];
    for (const { i } of order) {
      if (left <= 0) break;
      points[i]! += 1;
      left -= 1;
    }
    parts = rated.map((r, i) => ({ factor: r.factor, rating: r.rating, weight: settings.weights[r.factor], points: points[i]! }));
  }
  const total = (weighted ?? 0) + boost;
  const score = weighted === null && boost <= 0 ? null : Math.min(100, Math.max(0, total));
  return { parts, weighted, signals: boost, total, score, capped: score !== null && score !== total };
}

/** The curve at a score, linear between its points, rounded half up to a whole percentage. */
export function winProbabilityAt(score: number, curve: readonly CurvePoint[]): number {
  const s = Math.min(100, Math.max(0, Math.round(score)));
  for (let i = 1; i < curve.length; i++) {
    const [x0, y0] = curve[i - 1]!;
    const [x1, y1] = curve[i]!;
    // Whole numbers throughout: y0 + (y1 − y0)(s − x0)/(x1 − x0), rounded half up without floating point.
    if (s <= x1) return Math.floor((2 * (y0 * (x1 - x0) + (y1 - y0) * (s - x0)) + (x1 - x0)) / (2 * (x1 - x0)));
  }
  return curve.at(-1)![1];
}

export function priorityOf(score: number | null | undefined, bands: PriorityBands): Priority | null {
  if (score === null || score === undefined) return null;
  return score >= bands.high ? 'high' : score >= bands.medium ? 'medium' : 'low';
}

/** Everything stored on a deal from its ratings and boost. */
export function computeScore(inputs: ScoreInputs, signalBoost: number, settings: ScoringSettings): { score: number | null; winProbability: number | null } {
  const { score } = explainScore(inputs, signalBoost, settings);
  return { score, winProbability: score === null ? null : winProbabilityAt(score, settings.curve) };
}
