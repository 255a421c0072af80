import { DateTime } from 'luxon';
import { z } from 'zod';
import type { CardModel } from '../../cards/reply-model';
import type { DomainError } from '../../domain/shared/domain-error';
import { isUuid } from '../../domain/shared/ids';
import { suggestCustomers } from '../customers/customer.command';
import { resolveCustomerQuery } from '../customers/resolve-customer';
import { homeCards } from '../home/home';
import { commandNamed, commands } from '../registry';
import { issuesToErrors } from '../shared/form-errors';
import { clip } from '../../cards/presenters/format';
import type { CommandContext, Reply } from './context';
import { checkFormValues, type FieldSpecs, type RawFormValues } from './form-spec';
import type { Inbound } from './interaction';
import { actionNamed, formNamed } from './tables';

/** What running one interaction means: its handler, and whether the reply it gave wrote something. */
export type Step = {
  kind: Inbound['kind'];
  /** For forms: the fields a refusal can be shown under. */
  fieldIds: readonly string[];
  run: (ctx: CommandContext) => Promise<Reply>;
  writes: (reply: Reply) => boolean;
  /** What to say about a refusal instead of its error text, after the run was rolled back (see handlers). */
  recover?: (ctx: CommandContext, err: DomainError) => Promise<Reply | null>;
};

/** Long enough for any note the domain accepts (it says when one is too long); bounded before any parsing. */
export const maxCommandText = 8000;
const maxQuery = 100;
const maxTypedCustomer = 200;

const outdated = (ctx: CommandContext): CardModel => ({ kind: 'card', tone: 'warn', text: ctx.t('errors.outdatedCard') });
const never = () => false;

// C0 controls but tab and newlines, and DEL: nobody types them, and PostgreSQL refuses NUL in text.
const controls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Every string in what came in, without control characters, before anything reads it. */
export function withoutControls<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(controls, '') as T;
  if (depth > 8 || value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => withoutControls(v, depth + 1)) as T;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withoutControls(v, depth + 1)])) as T;
}

export function resolveStep(raw: Inbound): Step {
  const inbound = withoutControls(raw);
  switch (inbound.kind) {
    case 'command':
      return commandStep(inbound.name, inbound.text);
    case 'action':
      return actionStep(inbound.action, inbound.value);
    case 'form':
      return formStep(inbound.formId, inbound.metadata, inbound.values);
    case 'suggest':
      return { kind: 'suggest', fieldIds: [], writes: never, run: async (ctx) => ({ type: 'options', options: await suggest(ctx, inbound.query) }) };
    case 'home':
      return { kind: 'home', fieldIds: [], writes: never, run: async (ctx) => ({ type: 'home', cards: await homeCards(ctx) }) };
  }
}

function commandStep(name: string, text: string): Step {
  const entry = commandNamed(name) ?? commands.find((c) => c.name === 'sfa')!;
  const input = commandNamed(name) ? text : 'help';
  if (input.length > maxCommandText) {
    return { kind: 'command', fieldIds: [], writes: never, run: async (ctx) => ({ type: 'card', card: { kind: 'card', tone: 'warn', text: ctx.t('errors.problems.too_long', { field: ctx.t('fields.text'), max: maxCommandText }) } }) };
  }
  const writes = entry.writes(input) !== false;
  return { kind: 'command', fieldIds: [], writes: (reply) => writes && reply.type === 'card', run: (ctx) => entry.run(ctx, input) };
}

function actionStep(action: string, value: unknown): Step {
  const handler = actionNamed(action);
  const parsed = handler?.value.safeParse(value);
  if (!handler || !parsed?.success) return { kind: 'action', fieldIds: [], writes: never, run: async (ctx) => ({ type: 'card', card: outdated(ctx) }) };
  const onRefusal = handler.onRefusal;
  return {
    kind: 'action',
    fieldIds: [],
    writes: (reply) => handler.effect === 'write' && reply.type === 'card',
    run: (ctx) => handler.run(ctx, parsed.data),
    recover: onRefusal ? (ctx, err) => onRefusal(ctx, parsed.data, err) : undefined,
  };
}

function formStep(formId: string, metadata: unknown, raw: RawFormValues): Step {
  const handler = formNamed(formId);
  const meta = handler?.metadata.safeParse(metadata ?? {});
  if (!handler || !meta?.success) return { kind: 'form', fieldIds: [], writes: never, run: async (ctx) => ({ type: 'done', card: outdated(ctx) }) };
  const fieldIds = Object.keys(handler.fields);
  let submitted: unknown;
  const onRefusal = handler.onRefusal;
  return {
    kind: 'form',
    fieldIds,
    writes: (reply) => reply.type === 'done',
    async run(ctx) {
      const prepared = await prepareValues(ctx, handler.fields, raw);
      if ('errors' in prepared) return { type: 'errors', errors: prepared.errors };
      const checked = checkFormValues(handler.fields, prepared.values);
      if (!checked.ok) return { type: 'errors', errors: issuesToErrors(checked.issues, ctx.t, fieldIds) };
      submitted = checked.values;
      return handler.submit(ctx, meta.data, checked.values);
    },
    // Refused before the values were checked (while looking them up): there is nothing to say about them.
    recover: onRefusal ? async (ctx, err) => (submitted === undefined ? null : onRefusal(ctx, meta.data, submitted, err)) : undefined,
  };
}

const localDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/**
 * Where a platform could not do it itself: a date and time typed without a zone is the person's
 * local time, and a customer typed by name (Teams forms have no typeahead) is looked up as
 * `/customer` would.
 */
async function prepareValues(ctx: CommandContext, spec: FieldSpecs, raw: RawFormValues): Promise<{ values: RawFormValues } | { errors: Record<string, string> }> {
  const values: RawFormValues = { ...raw };
  const errors: Record<string, string> = {};
  for (const [id, field] of Object.entries(spec)) {
    const value = values[id];
    if (field.type === 'datetime' && typeof value === 'string' && localDateTime.test(value)) {
      const at = DateTime.fromISO(value, { zone: ctx.user.timezone });
      values[id] = at.isValid ? at.toJSDate() : value;
    }
    if (field.type === 'customer' && typeof value === 'string' && value.trim() && !isUuid(value.trim()) && value.length <= maxTypedCustomer) {
      const match = await resolveCustomerQuery(ctx, value.trim());
      if (match.kind === 'one') values[id] = match.customer.id;
      else errors[id] = clip(ctx.t(match.kind === 'many' ? 'customer.pick' : 'customer.notFound', { query: clip(value, 60) }), 140);
    }
  }
  return Object.keys(errors).length ? { errors } : { values };
}

async function suggest(ctx: CommandContext, query: unknown) {
  const parsed = z.string().max(maxQuery).safeParse(query);
  return parsed.success ? suggestCustomers(ctx, parsed.data) : [];
}
