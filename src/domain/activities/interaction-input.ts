import Decimal from 'decimal.js';
import { z } from 'zod';

export const notesText = (max: number) =>
  z.string().trim().max(max, `must be at most ${max} characters`).transform((v) => (v === '' ? null : v)).nullish();

/** A cost as an exact decimal string with at most two places ("120", "99.5"). */
export const moneyText = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    try {
      const d = new Decimal(typeof v === 'number' ? v.toString() : v.trim().replace(/,/g, ''));
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
