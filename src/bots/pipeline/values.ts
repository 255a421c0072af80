import { z } from 'zod';
import { stages } from '../../domain/opportunities/opportunity.entity';

/**
 * Schemas for what buttons and forms carry. Values come back from the platform as the person's
 * client sent them, so every one is parsed: ids are UUIDs, numbers are bounded, strings capped.
 */
export const id = z.string().uuid();
export const maxPage = 1000;
export const page = z.string().max(6).regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(maxPage));
export const stage = z.enum(stages);

/** A button value of `|`-separated parts, each with its own schema. */
export function parts<T extends [z.ZodTypeAny, ...z.ZodTypeAny[]]>(...schemas: T) {
  return z
    .string()
    .max(200)
    .transform((v) => v.split('|'))
    .pipe(z.tuple(schemas));
}

/** Form metadata of a form that carries nothing. */
export const noMetadata = z.object({}).passthrough().transform(() => ({}));
