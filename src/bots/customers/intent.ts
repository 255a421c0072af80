import { z } from 'zod';

/**
 * What the user was trying to do when we had to ask "which customer?" or "create it?". It rides
 * in the button's value (≤ 2000 chars), so a click can finish the job without retyping; like any
 * payload it comes back attacker-controlled, so every part is bounded here as in the domain.
 */
const intentSchema = z.discriminatedUnion('do', [
  z.object({ do: z.literal('show') }),
  z.object({ do: z.literal('log'), notes: z.string().max(4000) }),
  z.object({ do: z.literal('plan'), at: z.number().int().min(0).max(8.64e15), purpose: z.string().max(2000).optional() }),
  z.object({ do: z.literal('opp'), amount: z.string().max(30), currency: z.string().max(3).optional(), title: z.string().max(200) }),
  z.object({
    do: z.literal('quote'),
    lines: z.array(z.object({ quantity: z.number().int().min(1).max(9_999_999), sku: z.string().min(1).max(64) })).min(1).max(50),
    extraPercentOff: z.string().max(10).optional(),
  }),
]);
export type Intent = z.infer<typeof intentSchema>;

const json = z.string().max(2000).transform((v, ctx) => {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
});

/** A pick button's value: the customer and what to do with them. */
export const pickValue = json.pipe(z.object({ c: z.string().uuid(), i: intentSchema })).transform((v) => ({ customerId: v.c, intent: v.i }));
/** A create button's value: the name typed, what to do once it exists, and whether the warning was seen. */
export const createValue = json.pipe(z.object({ name: z.string().trim().min(1).max(200), i: intentSchema, force: z.boolean().optional() })).transform((v) => ({ name: v.name, intent: v.i, force: v.force ?? false }));

export const maxButtonValue = 2000;

export const encodePick = (customerId: string, intent: Intent): string => JSON.stringify({ c: customerId, i: intent });
export const encodeCreate = (name: string, intent: Intent, force = false): string => JSON.stringify({ name, i: intent, ...(force ? { force } : {}) });

export const fitsInButton = (value: string): boolean => value.length <= maxButtonValue;
