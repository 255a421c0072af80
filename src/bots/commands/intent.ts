import { z } from 'zod';

/**
 * What the user was trying to do when we had to ask "which customer?" or "create it?". It rides
 * in the button's value (≤ 2000 chars), so a click can finish the job without retyping.
 */
const intentSchema = z.discriminatedUnion('do', [
  z.object({ do: z.literal('show') }),
  z.object({ do: z.literal('log'), notes: z.string() }),
  z.object({ do: z.literal('plan'), at: z.number(), purpose: z.string().optional() }),
  z.object({ do: z.literal('opp'), amount: z.string(), currency: z.string().optional(), title: z.string() }),
  z.object({ do: z.literal('quote'), lines: z.array(z.object({ quantity: z.number(), sku: z.string() })), extraPercentOff: z.string().optional() }),
]);
export type Intent = z.infer<typeof intentSchema>;

const pickSchema = z.object({ c: z.string(), i: intentSchema });
const createSchema = z.object({ name: z.string(), i: intentSchema, force: z.boolean().optional() });

export const maxButtonValue = 2000;

export const encodePick = (customerId: string, intent: Intent): string => JSON.stringify({ c: customerId, i: intent });
export const encodeCreate = (name: string, intent: Intent, force = false): string => JSON.stringify({ name, i: intent, ...(force ? { force } : {}) });

/** A value from a button we rendered earlier; anything else (tampered, too old a format) is null. */
export function decodePick(value: string): { customerId: string; intent: Intent } | null {
  const parsed = pickSchema.safeParse(safeJson(value));
  return parsed.success ? { customerId: parsed.data.c, intent: parsed.data.i } : null;
}

export function decodeCreate(value: string): { name: string; intent: Intent; force: boolean } | null {
  const parsed = createSchema.safeParse(safeJson(value));
  return parsed.success ? { name: parsed.data.name, intent: parsed.data.i, force: parsed.data.force ?? false } : null;
}

export const fitsInButton = (value: string): boolean => value.length <= maxButtonValue;

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
