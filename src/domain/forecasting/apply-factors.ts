import Decimal from 'decimal.js';
import type { ForecastFactor } from './forecast-factor';

/** A factor as it bears on one series: `share` is how much of that series its scope is (0..1). */
export type FactorEffect = { factor: ForecastFactor; share: number };

export const activeIn = (factor: ForecastFactor, month: string): boolean => month >= factor.fromMonth && (!factor.untilMonth || month <= factor.untilMonth);

/**
 * What the factors active in `month` do to a series, as one multiplier: each moves the part of
 * the series it is about — +10 % on a region that was 30 % of it moves the series by 3 % — and
 * several compound.
 */
export function factorMultiplier(month: string, effects: FactorEffect[]): number {
  return effects
    .filter((e) => e.share > 0 && activeIn(e.factor, month))
    .reduce((m, e) => m.times(new Decimal(1).plus(new Decimal(e.factor.percent).dividedBy(100).times(e.share))), new Decimal(1))
    .toNumber();
}
