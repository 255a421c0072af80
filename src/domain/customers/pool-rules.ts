import { DateTime } from 'luxon';
import type { Tier } from './customer.entity';
import type { PoolTierDays, PoolTierKey } from './pool-settings.entity';

/**
 * The public pool's rules, pure (no I/O). Days are counted by local calendar date in the tenant's
 * time zone: a customer whose last activity fell on 2026-11-01 local, with a 30-day period, returns
 * on 2026-12-01 (at the tenant's nudge hour) and is warned 3 days before, on 2026-11-28.
 */
export type PoolRules = {
  /** null: auto-return is off. */
  returnDays: number | null;
  tierDays: PoolTierDays;
  warnDays: number;
  /** null: no claim limit. */
  maxClaims: number | null;
};

export const defaultPoolRules: PoolRules = { returnDays: null, tierDays: {}, warnDays: 3, maxClaims: null };
export const poolTierKeys: readonly PoolTierKey[] = ['A', 'B', 'C', 'none'];
export const maxPoolDays = 365;

/** How many days without activity a customer of this tier may go (null: it never returns). */
export function returnDaysFor(rules: PoolRules, tier: Tier | null): number | null {
  if (rules.returnDays == null) return null;
  const key: PoolTierKey = tier ?? 'none';
  return key in rules.tierDays ? (rules.tierDays[key] ?? null) : rules.returnDays;
}

/** Every period in force (the default and each tier's own), for "the warning comes before every return". */
export function periodsInForce(rules: PoolRules): number[] {
  if (rules.returnDays == null) return [];
  return poolTierKeys.map((k) => returnDaysFor(rules, k === 'none' ? null : k)).filter((n): n is number => n != null);
}

export const addDays = (isoDate: string, days: number): string => DateTime.fromISO(isoDate, { zone: 'UTC' }).plus({ days }).toISODate()!;
export const daysBetween = (from: string, to: string): number => Math.round(DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days);
const later = (a: string, b: string) => (a > b ? a : b);

/**
 * A stretch of inactivity that began on `anchorOn` (the local date of the last activity): the day
 * its warning is due, and the day it returns. A customer never returns without a warning given at
 * least `warnDays` before: when the warning went out late (auto-return just switched on, the period
 * shortened, the job did not run), the return moves to `warnDays` after the warning.
 */
export function poolSchedule(anchorOn: string, returnDays: number, warnDays: number, warnedOn: string | null, today: string): { warnOn: string; returnOn: string } {
  const warnOn = warnedOn ?? later(addDays(anchorOn, returnDays - warnDays), today);
  return { warnOn, returnOn: later(addDays(anchorOn, returnDays), addDays(warnOn, warnDays)) };
}
