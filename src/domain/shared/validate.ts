import type { z } from 'zod';
import { DomainError } from './domain-error';

/** Parses use-case input; a failure names every bad field and changes nothing. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fields = result.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message }));
    throw new DomainError('invalid_input', fields.map((f) => `${f.field || 'input'}: ${f.problem}`).join('; '), { fields });
  }
  return result.data;
}
