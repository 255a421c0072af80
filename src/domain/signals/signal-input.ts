import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { signalBatchJsonSchema, signalLimits, signalSchemaAnnotations } from './signal-schema';

export { signalLimits } from './signal-schema';

/**
 * The body schema compiled once (Ajv, all errors): a valid batch of 1,000 events is one call of
 * generated code, with no allocation per event. `verbose` only adds the failing schema to an
 * error, which is where an error's message comes from (`x-message`).
 */
// `unicode: false`: maxLength compares `.length` (UTF-16 units) instead of walking every string to
// count code points (a fifth of checking a batch). A UTF-16 length within the limit means the
// code points are too; a string over it only by surrogate pairs is counted again (problemsByIndex).
// Ajv 8 calls the option deprecated (it still honours it): that one warning is not passed on.
const ajvLogger = { log: console.log, warn: (...args: unknown[]) => void (/option unicode/.test(String(args[0])) || console.warn(...args)), error: console.error };
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, unicode: false, logger: ajvLogger });
// ajv-formats' fast `uri` (a scheme, then no white space): the schema's pattern asks for http(s)://;
// the full RFC 3986 expression cost a fifth of checking a batch, and was stricter than the URL
// parsing the endpoint accepted before.
addFormats(ajv, { mode: 'fast', formats: ['uri'] });
ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
ajv.addVocabulary([...signalSchemaAnnotations]);
const validateBatch = ajv.compile(signalBatchJsonSchema);

const dateTimeShape = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const twoDigits = (s: string, at: number) => (s.charCodeAt(at) - 48) * 10 + s.charCodeAt(at + 1) - 48;

/**
 * RFC 3339 `date-time` (what the schema's `format` means), checked without allocating: ajv-formats'
 * own takes about a microsecond per value, most of what checking a batch cost. Leap seconds are
 * refused (nothing downstream can represent them).
 */
export function isDateTime(s: string): boolean {
  // A batch's events often share their time: the last answer is kept.
  if (s === lastDateTime.text) return lastDateTime.valid;
  const valid = checkDateTime(s);
  lastDateTime.text = s;
  lastDateTime.valid = valid;
  return valid;
}
const lastDateTime = { text: '', valid: false };

function checkDateTime(s: string): boolean {
  if (!dateTimeShape.test(s)) return false;
  const year = twoDigits(s, 0) * 100 + twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > days || twoDigits(s, 11) > 23 || twoDigits(s, 14) > 59 || twoDigits(s, 17) > 59) return false;
  const last = s.charCodeAt(s.length - 1);
  return last === 90 || last === 122 || (twoDigits(s, s.length - 5) <= 23 && twoDigits(s, s.length - 2) <= 59);
}

export type EventProblem = { index: number; id?: string; errors: Array<{ path: string; message: string }> };

/** What the endpoint stores and answers for a batch whose shape (an object with 1 to 1,000 events) is known to be right. */
export type CheckedBatch = {
  /** Valid events taken in, each id once. */
  accepted: number;
  /** Valid events whose id came earlier in this batch (only the first is taken). */
  duplicates: number;
  rejected: EventProblem[];
  /** Indexes (from 0) the worker leaves out: the rejected and the repeated events, ascending. */
  skip: number[];
};

/** A few problems per event are enough to fix it; a hostile event cannot make the answer huge. */
const maxErrorsPerEvent = 10;
const dayMs = 86_400_000;

/**
 * Checks a parsed body against the schema, then by hand what the schema cannot say: how far
 * ahead or back `at` is by the clock, and the size of `properties` as JSON (measured only when a
 * cheap upper bound exceeds the limit). `suspicious` (the raw body has a `\u0000` or `\uDxxx`
 * escape) adds a walk of the good events for a NUL or an unpaired surrogate, which PostgreSQL
 * cannot keep in jsonb; without such an escape neither can exist.
 */
export function checkSignalBatch(body: { events: unknown[] }, now: Date, options: { suspicious?: boolean } = {}): CheckedBatch {
  const problems = validateBatch(body) ? null : problemsByIndex(validateBatch.errors ?? []);
  const events = body.events;
  const rejected: EventProblem[] = [];
  const skip: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const clock = timeWindow(now);
  for (let index = 0; index < events.length; index++) {
    const raw = events[index];
    const errors = problems?.get(index) ?? handChecks(raw as CheckedEvent, clock, options.suspicious === true);
    if (errors) {
      rejected.push(problemOf(index, raw, errors));
      skip.push(index);
      continue;
    }
    const id = (raw as CheckedEvent).id;
    if (seen.has(id)) {
      duplicates++;
      skip.push(index);
    } else seen.add(id);
  }
  return { accepted: seen.size, duplicates, rejected, skip };
}

type CheckedEvent = { id: string; at: string; customer: Record<string, unknown>; product_sku?: string; url?: string; properties?: Record<string, unknown> };
type FieldError = { path: string; message: string };

function problemOf(index: number, raw: unknown, errors: FieldError[]): EventProblem {
  const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id.slice(0, signalLimits.maxIdLength) : undefined;
  return { index, ...(id !== undefined ? { id } : {}), errors };
}

/** Ajv's errors, per event index: one per field (the first), at most ten, in this API's words. */
function problemsByIndex(errors: ErrorObject[]): Map<number, FieldError[]> {
  const byIndex = new Map<number, FieldError[]>();
  for (const error of errors) {
    const where = /^\/events\/(\d+)((?:\/[^/]*)*)$/.exec(error.instancePath);
    // Top-level errors (not an object, no events, too many) are the endpoint's 400 and 413, checked before this.
    // The customer's anyOf branches each say "required": the anyOf error itself says it once.
    if (!where || error.schemaPath.includes('/anyOf/')) continue;
    // Characters are code points: an emoji is one, not the two UTF-16 units Ajv counted.
    if (error.keyword === 'maxLength' && typeof error.data === 'string' && codePoints(error.data) <= Number(error.params.limit)) continue;
    const segments = where[2]!.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    const path = segments.join('.') || '(event)';
    const index = Number(where[1]);
    const list = byIndex.get(index) ?? [];
    if (list.length < maxErrorsPerEvent && !list.some((e) => e.path === path)) list.push({ path, message: messageOf(error).slice(0, 200) });
    byIndex.set(index, list);
  }
  return byIndex;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function messageOf(error: ErrorObject): string {
  const own = (error.parentSchema as { 'x-message'?: string } | undefined)?.['x-message'];
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'pattern':
    case 'format':
    case 'anyOf':
      return own ?? error.message ?? 'is not valid';
    case 'required':
      return 'is required';
    case 'type':
      return `must be ${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${String(p.type)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'maxProperties':
      return `has more than ${String(p.limit)} keys`;
    default:
      return error.message ?? 'is not valid';
  }
}

type Clock = { parse: (at: string) => number; earliest: number; latest: number };

/** Batches usually share a few timestamps: the last one parsed is remembered. */
function timeWindow(now: Date): Clock {
  let lastText = '';
  let lastMs = NaN;
  return {
    parse: (at) => (at === lastText ? lastMs : ((lastText = at), (lastMs = Date.parse(at)))),
    earliest: now.getTime() - signalLimits.maxAgeDays * dayMs,
    latest: now.getTime() + signalLimits.maxFutureSeconds * 1000,
  };
}

/** What the schema cannot check, for an event that passed it; null when it is fine. */
function handChecks(event: CheckedEvent, clock: Clock, suspicious: boolean): FieldError[] | null {
  const errors: FieldError[] = [];
  const at = clock.parse(event.at);
  if (Number.isNaN(at)) errors.push({ path: 'at', message: 'is not a valid date and time' });
  else if (at > clock.latest) errors.push({ path: 'at', message: `is more than ${signalLimits.maxFutureSeconds / 60} minutes in the future` });
  else if (at < clock.earliest) errors.push({ path: 'at', message: `is more than ${signalLimits.maxAgeDays} days old` });
  const props = event.properties;
  if (props !== undefined && jsonBytesBound(props, 0) > signalLimits.maxPropertiesBytes && exactJsonBytes(props) > signalLimits.maxPropertiesBytes) {
    errors.push({ path: 'properties', message: `is larger than ${signalLimits.maxPropertiesBytes} bytes as JSON` });
  }
  if (suspicious && errors.length === 0) errors.push(...unstorable(event));
  return errors.length ? errors : null;
}

/**
 * An upper bound of `Buffer.byteLength(JSON.stringify(value))` without serializing: a UTF-16 unit
 * is at most 6 bytes of JSON (`\u001f`), a number at most 24 characters. Stops early once past the
 * limit, and gives up (Infinity) on nesting deeper than 32.
 */
function jsonBytesBound(value: unknown, depth: number): number {
  if (typeof value === 'string') return value.length * 6 + 2;
  if (typeof value === 'number') return 24;
  if (value === null || typeof value === 'boolean') return 5;
  if (typeof value !== 'object' || depth > 32) return Infinity;
  let bytes = 2;
  if (Array.isArray(value)) {
    for (const item of value) if ((bytes += jsonBytesBound(item, depth + 1) + 1) > signalLimits.maxPropertiesBytes) return bytes;
    return bytes;
  }
  for (const key of Object.keys(value)) {
    if ((bytes += key.length * 6 + 4 + jsonBytesBound((value as Record<string, unknown>)[key], depth + 1)) > signalLimits.maxPropertiesBytes) return bytes;
  }
  return bytes;
}

function exactJsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch {
    return Infinity; // nested too deep to serialize: far over the limit anyway
  }
}

/** A NUL character or an unpaired surrogate anywhere in what is stored of a good event. */
function unstorable(event: CheckedEvent): FieldError[] {
  const errors: FieldError[] = [];
  const fields: Array<[string, unknown]> = [
    ...['email', 'domain', 'name', 'external_id'].map((k): [string, unknown] => [`customer.${k}`, event.customer[k]]),
    ['product_sku', event.product_sku],
    ['url', event.url],
    ['properties', event.properties],
  ];
  for (const [path, value] of fields) {
    const bad = badText(value, 0);
    if (bad) errors.push({ path, message: bad });
  }
  return errors;
}

function badText(value: unknown, depth: number): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? 'contains a NUL character' : (value as string & { isWellFormed(): boolean }).isWellFormed() ? null : 'contains an unpaired surrogate (\\ud800–\\udfff)';
  if (!value || typeof value !== 'object') return null;
  // properties is at most 4 KB of JSON by now, so it cannot nest this deep.
  if (depth > 2100) return 'is nested too deeply';
  for (const [key, item] of Object.entries(value)) {
    const bad = badText(key, depth + 1) ?? badText(item, depth + 1);
    if (bad) return bad;
  }
  return null;
}
