export const errorCodes = [
  'not_found',
  'forbidden',
  'invalid_input',
  'conflict',
  'duplicate',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/**
 * The only error the domain throws on purpose. `code` picks the user-facing message (each bot
 * maps codes to text in the user's language); `message` is English for logs and the CLI;
 * `details` carries what a reply needs (field problems, duplicate candidates, current state).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
