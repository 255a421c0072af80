import type { ForecastBands } from './types';

/** Standard normal quantiles of the two-sided 80 % and 95 % intervals. */
export const Z80 = 1.2816;
export const Z95 = 1.96;

/** Symmetric normal intervals around a point forecast, from each period's standard deviation. */
export function normalBands(point: number[], sd: number[]): ForecastBands {
  return {
    point,
    low80: point.map((p, k) => p - Z80 * sd[k]),
    high80: point.map((p, k) => p + Z80 * sd[k]),
    low95: point.map((p, k) => p - Z95 * sd[k]),
    high95: point.map((p, k) => p + Z95 * sd[k]),
  };
}

/** Revenue and quantities are never negative; a model that returns NaN or ∞ is broken, not uncertain. */
export function sanitizeBands(bands: ForecastBands, horizon: number): ForecastBands {
  const all = [bands.point, bands.low80, bands.high80, bands.low95, bands.high95];
  if (all.some((values) => values.length !== horizon || values.some((v) => !Number.isFinite(v)))) {
    throw new Error('returned non-finite or missing values');
  }
  const clamp = (values: number[]) => values.map((v) => Math.max(0, v));
  return { point: clamp(bands.point), low80: clamp(bands.low80), high80: clamp(bands.high80), low95: clamp(bands.low95), high95: clamp(bands.high95) };
}

/** Stretches every interval by `factor` about its point forecast, keeping any asymmetry. */
export function widenBands(bands: ForecastBands, factor: number): ForecastBands {
  const stretch = (bound: number[]) => bound.map((b, k) => Math.max(0, bands.point[k] + (b - bands.point[k]) * factor));
  return { point: bands.point, low80: stretch(bands.low80), high80: stretch(bands.high80), low95: stretch(bands.low95), high95: stretch(bands.high95) };
}
