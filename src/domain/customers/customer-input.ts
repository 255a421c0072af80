import { z } from 'zod';
import { tiers } from './customer.entity';

const optionalText = (max: number) =>
  z.string().trim().max(max, `must be at most ${max} characters`).transform((v) => (v === '' ? null : v)).nullish();

export const contactSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  title: z.string().trim().max(100).optional(),
  phone: z.string().trim().max(50).optional(),
  email: z.string().trim().email('is not an email address').max(254).optional(),
});

/** Fields a person can set on a customer; shared by create, update and CSV import. */
export const customerFieldsSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  phone: optionalText(50),
  email: z
    .string()
    .trim()
    .max(254)
    .transform((v) => (v === '' ? null : v.toLowerCase()))
    .refine((v) => v === null || z.string().email().safeParse(v).success, 'is not an email address')
    .nullish(),
  website: optionalText(200),
  address: optionalText(1000),
  region: optionalText(100),
  industry: optionalText(100),
  companySize: optionalText(50),
  source: optionalText(100),
  tags: z.array(z.string().trim().min(1).max(50)).max(30, 'at most 30 tags').optional(),
  tier: z.enum(tiers, { message: 'must be A, B or C' }).nullish(),
  keyAccount: z.boolean().optional(),
  contacts: z.array(contactSchema).max(50).optional(),
});
export type CustomerFields = z.infer<typeof customerFieldsSchema>;
