/**
 * Every way a use case refuses, as a code and a reason from a closed list. The chat layer has a
 * message for each pair in every language (a missing one fails to compile), so no refusal ever
 * reaches a person as English log text.
 */
export const errorReasons = {
  not_found: ['customer', 'opportunity', 'interaction', 'quote', 'user', 'org_unit', 'forecast_factor', 'tier_rule', 'api_key', 'signal_match'],
  forbidden: ['unknown_user', 'external_user', 'role', 'not_yours', 'owner_out_of_reach', 'claim_first', 'system', 'own_quote', 'not_approver', 'subscription_owned'],
  invalid_input: ['fields', 'unknown_sku'],
  conflict: ['closed', 'already_claimed', 'not_planned', 'decided', 'no_approver', 'not_manager', 'last_admin', 'no_encryption_key', 'claim_limit'],
  duplicate: ['customer', 'tier_rule', 'api_key'],
} as const;

export type ErrorCode = keyof typeof errorReasons;
export const errorCodes = Object.keys(errorReasons) as ErrorCode[];
export type ErrorReason<C extends ErrorCode = ErrorCode> = (typeof errorReasons)[C][number];

/**
 * What is wrong with one field, as a code a message can be chosen by. `problem` stays the short
 * English phrase logs, the CLI and tests read.
 */
export const problemCodes = [
  'required',
  'too_long',
  'too_many',
  'not_an_id',
  'not_a_date',
  'not_a_time',
  'not_an_email',
  'not_an_amount',
  'not_a_choice',
  'not_a_number',
  'in_the_past',
  'in_the_future',
  'too_far_ahead',
  'too_large',
  'too_small',
  'out_of_range',
  'unknown_user',
  'not_in_catalog',
  'mixed_currencies',
  'other_customer',
  'invalid',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

export type FieldProblem = { field: string; problem: string };
export type FieldIssue = { field: string; code: ProblemCode; max?: number; min?: number; value?: string };

export type ErrorDetails<C extends ErrorCode> = { reason: ErrorReason<C> } & Record<string, unknown>;

/**
 * The only error the domain throws on purpose. `code` and `details.reason` pick the user-facing
 * message; `message` is English for logs and the CLI; `details` carries what a reply needs
 * (field problems, duplicate candidates, current state).
 */
export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: ErrorDetails<C>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get reason(): ErrorReason<C> {
    return this.details.reason;
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;

/** A refused input: `fields` for people reading logs, `issues` for the message in the reader's language. */
export function invalidInput(message: string, issues: Array<FieldIssue & { problem: string }>, extra: Record<string, unknown> = {}): DomainError<'invalid_input'> {
  return new DomainError('invalid_input', message, {
    reason: 'fields',
    ...extra,
    fields: issues.map(({ field, problem }) => ({ field, problem })),
    issues: issues.map(({ field, code, max, min, value }) => ({ field, code, ...(max !== undefined ? { max } : {}), ...(min !== undefined ? { min } : {}), ...(value !== undefined ? { value } : {}) })),
  });
}

/** The field issues of an invalid_input error (none for other errors). */
export function fieldIssues(err: DomainError): FieldIssue[] {
  return err.code === 'invalid_input' && Array.isArray(err.details.issues) ? (err.details.issues as FieldIssue[]) : [];
}
