import type { z } from 'zod';
import { invalidInput, type FieldIssue, type ProblemCode } from './domain-error';

/**
 * Offset and limit a list query can use as they are: whole numbers, offset from 0, limit from 1
 * to `max`. A negative or NaN value from a button payload must not reach the database.
 */
export function pageWindow(page: { offset?: number; limit?: number }, defaultLimit: number, max: number): { offset: number; limit: number } {
  const whole = (v: number | undefined, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : fallback);
  return { offset: Math.max(0, whole(page.offset, 0)), limit: Math.min(Math.max(1, whole(page.limit, defaultLimit)), max) };
}

// Refinements written in the domain's schemas, by the message they give.
const customMessages: Record<string, ProblemCode> = {
  'must be an amount such as 1200 or 99.50': 'not_an_amount',
  'is not a real date': 'not_a_date',
  'is not an email address': 'not_an_email',
};

/** What kind of problem a zod issue is, for a message in the reader's language. */
export function problemOf(issue: z.ZodIssue): Pick<FieldIssue, 'code' | 'max' | 'min'> {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined' || issue.received === 'null') return { code: 'required' };
      if (issue.expected === 'date') return { code: 'not_a_date' };
      if (issue.expected === 'number') return { code: 'not_a_number' };
      return { code: 'invalid' };
    case 'too_big':
      if (issue.type === 'string') return { code: 'too_long', max: Number(issue.maximum) };
      if (issue.type === 'array' || issue.type === 'set') return { code: 'too_many', max: Number(issue.maximum) };
      if (issue.type === 'number' || issue.type === 'bigint') return { code: 'too_large', max: Number(issue.maximum) };
      return { code: 'out_of_range' };
    case 'too_small':
      if (issue.type === 'string' && Number(issue.minimum) <= 1) return { code: 'required' };
      if (issue.type === 'array' && Number(issue.minimum) <= 1) return { code: 'required' };
      if (issue.type === 'number' || issue.type === 'bigint') return { code: 'too_small', min: Number(issue.minimum) };
      return { code: 'out_of_range' };
    case 'invalid_string':
      if (issue.validation === 'uuid') return { code: 'not_an_id' };
      if (issue.validation === 'email') return { code: 'not_an_email' };
      if (issue.validation === 'regex' && /date/.test(issue.message)) return { code: 'not_a_date' };
      return { code: 'invalid' };
    case 'invalid_enum_value':
    case 'invalid_literal':
      return { code: 'not_a_choice' };
    case 'invalid_date':
      return { code: 'not_a_date' };
    default:
      return { code: customMessages[issue.message] ?? 'invalid' };
  }
}

/** Parses use-case input; a failure names every bad field and changes nothing. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message, ...problemOf(i) }));
    throw invalidInput(issues.map((f) => `${f.field || 'input'}: ${f.problem}`).join('; '), issues);
  }
  return result.data;
}
