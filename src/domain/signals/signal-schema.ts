import { signalTypes } from './signal-event.entity';

/**
 * What `POST /api/signals` accepts, as numbers the OpenAPI description repeats (a test checks
 * that they agree). Every string is bounded; each event is checked on its own, so one bad event
 * does not cost the batch. Lengths count the characters as sent (surrounding spaces included).
 */
export const signalLimits = {
  /** Events in one request. */
  maxEvents: 1000,
  /** The whole request body, in bytes. */
  maxBodyBytes: 2 * 1024 * 1024,
  maxIdLength: 200,
  maxEmailLength: 254,
  maxDomainLength: 253,
  maxNameLength: 200,
  maxExternalIdLength: 100,
  maxSkuLength: 100,
  maxUrlLength: 2000,
  /** `properties` serialized as JSON, in bytes (UTF-8). */
  maxPropertiesBytes: 4096,
  maxPropertiesKeys: 50,
  /** How far in the future `at` may be (clock skew), in seconds. */
  maxFutureSeconds: 300,
  /** How old `at` may be, in days. */
  maxAgeDays: 365,
  /** A signed request's timestamp may be this many seconds off the server's clock, either way. */
  signatureWindowSeconds: 300,
} as const;

/**
 * What `\s` matches in a JSON Schema pattern (ECMA-262: white space and line terminators), which
 * is also what JavaScript's `trim()` removes, as a regex class body. The schema allows it around
 * customer fields and the SKU; the worker strips exactly this set in SQL (PostgreSQL's `\s` is
 * another), so a stored value is what `trim()` would give. A unit test checks the three agree.
 */
export const trimmedChars = '\\u0009-\\u000d\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** Not empty once trimmed, and no control character (C0 or DEL) inside. */
const plainText = '^\\s*[^\\s\\x00-\\x1f\\x7f](?:[^\\x00-\\x1f\\x7f]*[^\\s\\x00-\\x1f\\x7f])?\\s*$';

/**
 * The request body as a JSON Schema (2020-12, the dialect of OpenAPI 3.1). It is the schema of
 * `docs/api/signals.openapi.yaml` (components SignalBatch, SignalEvent and CustomerRef, which
 * the YAML splits with `$ref`s): a unit test dereferences the YAML and compares it with this
 * object, so the two cannot drift. `x-message` is what an event's error says when that keyword
 * fails; `x-max-*` are checked by hand after the schema (they need the clock, or the size of
 * `properties` as JSON).
 */
export const signalBatchJsonSchema = {
  type: 'object',
  required: ['events'],
  properties: {
    events: {
      type: 'array',
      minItems: 1,
      maxItems: signalLimits.maxEvents,
      items: {
        type: 'object',
        required: ['id', 'type', 'at', 'customer'],
        properties: {
          id: {
            description: 'Your id of the event, unique per tenant: an event is stored once per id (the idempotency key). Visible ASCII, no spaces.',
            type: 'string',
            minLength: 1,
            maxLength: signalLimits.maxIdLength,
            pattern: '^[\\x21-\\x7e]+$',
            'x-message': 'must be visible ASCII characters (no spaces)',
          },
          type: { type: 'string', enum: [...signalTypes] },
          at: {
            description: `When it happened: ISO-8601 (RFC 3339) with seconds and an offset (\`Z\` or \`+08:00\`). At most ${signalLimits.maxFutureSeconds} seconds in the future and at most ${signalLimits.maxAgeDays} days old.`,
            type: 'string',
            format: 'date-time',
            maxLength: 40,
            pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})$',
            'x-message': 'must be an ISO-8601 date and time with an offset, e.g. 2026-12-01T09:30:00Z',
            'x-max-future-seconds': signalLimits.maxFutureSeconds,
            'x-max-age-days': signalLimits.maxAgeDays,
          },
          customer: {
            description: 'Who it was, by at least one of these; emails and domains are compared case-insensitively, spaces around a value are dropped.',
            type: 'object',
            anyOf: [{ required: ['email'] }, { required: ['domain'] }, { required: ['name'] }, { required: ['external_id'] }],
            'x-message': 'needs at least one of email, domain, name, external_id',
            properties: {
              email: {
                type: 'string',
                maxLength: signalLimits.maxEmailLength,
                pattern: "^\\s*(?!\\.)(?!.*\\.\\.)[A-Za-z0-9_'+.-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\\.)+[A-Za-z]{2,}\\s*$",
                'x-message': 'is not an email address',
              },
              domain: {
                description: 'A host name such as `acme.example`; a trailing dot is dropped.',
                type: 'string',
                maxLength: signalLimits.maxDomainLength,
                pattern: '^\\s*(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+\\.?\\s*$',
                'x-message': 'is not a domain name such as example.com',
              },
              name: { type: 'string', maxLength: signalLimits.maxNameLength, pattern: plainText, 'x-message': 'must not be empty or contain control characters' },
              external_id: {
                description: "The customer's id in your system (e.g. the CRM or shop account id).",
                type: 'string',
                maxLength: signalLimits.maxExternalIdLength,
                pattern: plainText,
                'x-message': 'must not be empty or contain control characters',
              },
            },
          },
          product_sku: { type: 'string', maxLength: signalLimits.maxSkuLength, pattern: plainText, 'x-message': 'must not be empty or contain control characters' },
          url: {
            description: 'An http or https URL (the page viewed, the file downloaded).',
            type: 'string',
            format: 'uri',
            maxLength: signalLimits.maxUrlLength,
            pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
            'x-message': 'must be an http or https URL',
          },
          properties: {
            description: `Anything else worth keeping: at most ${signalLimits.maxPropertiesKeys} keys and ${signalLimits.maxPropertiesBytes} bytes as JSON.`,
            type: 'object',
            maxProperties: signalLimits.maxPropertiesKeys,
            'x-max-bytes': signalLimits.maxPropertiesBytes,
          },
        },
      },
    },
  },
} as const;

/** The annotation keywords of the schema above (Ajv is told about them; they validate nothing themselves). */
export const signalSchemaAnnotations = ['x-message', 'x-max-future-seconds', 'x-max-age-days', 'x-max-bytes'] as const;
