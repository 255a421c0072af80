import { z } from 'zod';
import { signalTypes } from './signal-event.entity';

/** A signal rule as admins give it (chat, CSV): every string and number bounded. */
export const signalRuleSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
    eventType: z.enum(signalTypes),
    /** One product; null (and not `perProduct`) counts every product together. */
    productSku: z.string().trim().max(100).transform((s) => s.toUpperCase()).nullish(),
    /** Count each product apart ("3 page views of one product"). */
    perProduct: z.boolean().default(false),
    urlContains: z.string().trim().max(200).nullish(),
    minCount: z.number().int().min(1).max(1000),
    windowDays: z.number().int().min(1).max(365),
    scoreBump: z.number().int().min(0).max(50).default(0),
    active: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    if (r.perProduct && r.productSku) ctx.addIssue({ code: 'custom', path: ['productSku'], message: 'is either one SKU or "each", not both' });
  });
export type SignalRuleInput = z.input<typeof signalRuleSchema>;
export type SignalRuleData = z.output<typeof signalRuleSchema>;

/** Most rules a tenant may have: each is evaluated for every batch of signals. */
export const maxSignalRules = 100;

/** The stored fields of a rule from parsed input (empty text → none). */
export const ruleFields = (d: SignalRuleData) => ({
  name: d.name,
  eventType: d.eventType,
  productSku: d.productSku ? d.productSku : null,
  perProduct: d.perProduct,
  urlContains: d.urlContains ? d.urlContains : null,
  minCount: d.minCount,
  windowDays: d.windowDays,
  scoreBump: d.scoreBump,
  active: d.active,
});
