import Decimal from 'decimal.js';
import { z } from 'zod';
import { invalidInput } from '../shared/domain-error';

export const notesText = (max: number) =>
  z.string().trim().max(max, `must be at most ${max} characters`).transform((v) => (v === '' ? null : v)).nullish();

// Digits with an optional fraction and exponent. decimal.js alone also reads "0x10", "0b11" and
// "0o7" as numbers, which nobody typing an amount means.
const decimalNotation = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** An amount as typed ("12,500.50", "1.2e4") or a JS number, as an exact Decimal; throws otherwise. */
export function parseDecimalText(v: string | number): Decimal {
  const text = typeof v === 'number' ? v.toString() : v.trim().replace(/,/g, '');
  if (!decimalNotation.test(text)) throw new Error(`not a decimal: ${text}`);
  return new Decimal(text);
}

/** A cost as an exact decimal string with at most two places ("120", "99.5"). */
export const moneyText = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    try {
      const d = parseDecimalText(v);
      if (d.isNegative() || d.decimalPlaces() > 2 || d.greaterThanOrEqualTo('1e12') || !d.isFinite()) throw new Error();
      return d.toFixed(2);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an amount such as 1200 or 99.50' });
      return z.NEVER;
    }
  });

/** YYYY-MM-DD, a real calendar date. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-01')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'is not a real date');

// A clock a few minutes ahead on a phone should not turn "now" into "the future".
const futureToleranceMs = 5 * 60_000;

/** Something that has happened cannot have happened later than now. */
export function assertNotInFuture(when: Date, field = 'occurredAt'): void {
  if (when.getTime() > Date.now() + futureToleranceMs) {
    throw invalidInput('A logged activity cannot be in the future: plan it instead.', [{ field, problem: 'in the future', code: 'in_the_future' }]);
  }
}
