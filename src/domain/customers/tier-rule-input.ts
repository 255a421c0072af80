import { z } from 'zod';
import { tiers } from './customer.entity';

const amount = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be an amount such as 1200 or 99.50')
  .nullish();
const list = z.array(z.string().trim().min(1).max(100)).max(50, 'at most 50 values');

/** A tier rule as admins give it (chat, CSV): every string, list and number bounded. */
export const tierRuleSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  tier: z.enum(tiers, { message: 'must be A, B or C' }),
  keyAccount: z.boolean().default(false),
  regions: list.default([]),
  industries: list.default([]),
  sizes: list.default([]),
  /** Won revenue in the last 12 months, tenant currency. */
  wonRevenueMin: amount,
  /** Done interactions in the last 12 months. */
  interactionsMin: z.number().int().min(0).max(1_000_000).nullish(),
  /** Open pipeline, tenant currency. */
  pipelineMin: amount,
  /** 1 is tried first; past the end means last. Omitted: last. */
  position: z.number().int().min(1).max(10_000).optional(),
});
export type TierRuleInput = z.input<typeof tierRuleSchema>;
export type TierRuleData = z.output<typeof tierRuleSchema>;

/** Most rules a tenant may have: they are tried one by one for every customer. */
export const maxTierRules = 200;

/** The same list written in another case or order is the same condition. */
export const distinctValues = (values: string[]): string[] => {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.normalize('NFKC').toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};
