import { normalBands, sanitizeBands } from './bands';
import type { ForecastBands } from './types';

const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

function sampleStd(values: number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/** Spread of the seasonal naive method's one-season-ahead errors (root mean square, so a trend counts as error). */
function seasonalNaiveResidualSd(history: number[], seasonLength: number): number {
  const residuals = history.slice(seasonLength).map((v, i) => v - history[i]);
  // Fewer than two residuals say nothing about spread: the history's own spread is a cruder, wider stand-in.
  if (residuals.length < 2) return sampleStd(history);
  return Math.sqrt(mean(residuals.map((r) => r * r)));
}

/** Repeats the last full season; intervals grow with the square root of the number of seasons ahead. */
export function seasonalNaiveForecast(history: number[], horizon: number, seasonLength: number): ForecastBands {
  const season = Math.max(1, seasonLength);
  if (history.length < season) throw new Error(`needs a full season (${season} periods)`);
  const lastSeason = history.slice(history.length - season);
  const point = Array.from({ length: horizon }, (_, k) => lastSeason[k % season]);
  const residualSd = seasonalNaiveResidualSd(history, season);
  const sd = point.map((_, k) => residualSd * Math.sqrt(Math.floor(k / season) + 1));
  return sanitizeBands(normalBands(point, sd), horizon);
}

/** The history's mean for every period; intervals from its sample standard deviation (with the mean's own uncertainty). */
export function meanForecast(history: number[], horizon: number): ForecastBands {
  const level = history.length === 0 ? 0 : mean(history);
  const sd = sampleStd(history) * Math.sqrt(1 + 1 / Math.max(1, history.length));
  const point = new Array<number>(horizon).fill(level);
  return sanitizeBands(normalBands(point, new Array<number>(horizon).fill(sd)), horizon);
}
