import { z } from 'zod';
import { parseDecimalText } from '../activities/interaction-input';
import { scoreFactors } from './score-opportunity';

/** Deal amounts: exact decimals, never floats. "12,500.50" and "1.2e4" are understood. */
export const amountText = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    const d = parseDecimalText(v);
    if (!d.isFinite() || d.isNegative() || d.decimalPlaces() > 2 || d.greaterThanOrEqualTo('1e12')) throw new Error();
    return d.toFixed(2);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an amount such as 50000 or 12500.50' });
    return z.NEVER;
  }
});

export const currencyCode = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => /^[A-Z]{3}$/.test(v), 'must be a 3-letter currency code such as USD or CNY');

export const scoreInputsSchema = z
  .object(Object.fromEntries(scoreFactors.map((f) => [f, z.number().int().min(0).max(5, 'must be 0 to 5').optional()])) as Record<(typeof scoreFactors)[number], z.ZodOptional<z.ZodNumber>>)
  .strict();
