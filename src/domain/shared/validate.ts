import type { z } from 'zod';
import { DomainError } from './domain-error';

/** Parses use-case input; a failure names every bad field and changes nothing. */
/**
 * Offset and limit a list query can use as they are: whole numbers, offset from 0, limit from 1
 * to `max`. A negative or NaN value from a button payload must not reach the database.
 */
export function pageWindow(page: { offset?: number; limit?: number }, defaultLimit: number, max: number): { offset: number; limit: number } {
  const whole = (v: number | undefined, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : fallback);
  return { offset: Math.max(0, whole(page.offset, 0)), limit: Math.min(Math.max(1, whole(page.limit, defaultLimit)), max) };
}

export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fields = result.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message }));
    throw new DomainError('invalid_input', fields.map((f) => `${f.field || 'input'}: ${f.problem}`).join('; '), { fields });
  }
  return result.data;
}
