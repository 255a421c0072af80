import { mase, seasonalNaiveMae } from './metrics';
import type { Candidate, ForecastBands, ModelName } from './types';

/** Steps scored per fold: more would take history from every training window and leave fewer origins. */
const MAX_BACKTEST_STEPS = 3;
export const MIN_FOLDS = 2;

const meanOf = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

export type BacktestPlan = { origins: number[]; steps: number; seasonLength: number };
export type FoldForecast = { actual: number[]; bands: ForecastBands };
export type ModelBacktest = { model: ModelName; mase: number; foldScores: number[]; folds: FoldForecast[] };

/** Shortest training window worth fitting: two seasons (MSTL needs them), and never fewer than 8 periods. */
export function minimumTraining(seasonLength: number): number {
  return Math.max(2 * seasonLength, 8);
}

export function minimumHistoryForBacktest(horizon: number, seasonLength: number): number {
  return minimumTraining(seasonLength) + Math.min(horizon, MAX_BACKTEST_STEPS) + MIN_FOLDS - 1;
}

/**
 * Rolling origins one period apart, the last one leaving `steps` periods to score. Origins whose
 * training part has no seasonal-naive error (a perfectly regular stretch) give no MASE scale and
 * are left out for every model alike. Null when fewer than two folds fit.
 */
export function backtestPlan(history: number[], horizon: number, seasonLength: number, folds: number): BacktestPlan | null {
  const steps = Math.min(horizon, MAX_BACKTEST_STEPS);
  const lastOrigin = history.length - steps;
  const firstOrigin = Math.max(minimumTraining(seasonLength), lastOrigin - folds + 1);
  const origins: number[] = [];
  for (let origin = firstOrigin; origin <= lastOrigin; origin++) {
    if (seasonalNaiveMae(history.slice(0, origin), seasonLength) > 0) origins.push(origin);
  }
  return origins.length >= MIN_FOLDS ? { origins, steps, seasonLength } : null;
}

/** Decides, from a model's MASE on the folds so far, whether to stop backtesting it. */
export type GiveUp = (foldScores: number[]) => boolean;

/**
 * Fits the candidate at every origin and scores it by its mean MASE; throws when the model fails
 * on a fold. Returns null when `giveUp` stops it early (for a costly model that is plainly losing).
 */
export function backtestModel(history: number[], candidate: Candidate, plan: BacktestPlan, giveUp?: GiveUp): ModelBacktest | null {
  const folds: FoldForecast[] = [];
  const foldScores: number[] = [];
  for (const origin of plan.origins) {
    const training = history.slice(0, origin);
    const actual = history.slice(origin, origin + plan.steps);
    const bands = candidate.forecast(training, plan.steps);
    folds.push({ actual, bands });
    foldScores.push(mase(actual, bands.point, training, plan.seasonLength));
    if (giveUp?.(foldScores)) return null;
  }
  return { model: candidate.name, mase: meanOf(foldScores), foldScores, folds };
}
