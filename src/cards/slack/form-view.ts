import type { FormFieldModel, FormModel } from '../reply-model';
import { SLACK_LIMITS as L } from './limits';
import { ELLIPSIS, oneLine, plainText, truncatePlain } from './text';

export type FormValues = Record<string, string | Date | null>;

function option(label: string, value: string): any {
  if (value.length > L.optionValue) {
    throw new Error(`Select option value is ${value.length} chars (Slack max ${L.optionValue}): use an id`);
  }
  return { text: plainText(oneLine(label) || value, L.optionText), value };
}

function numberInitial(field: Extract<FormFieldModel, { type: 'number' }>): string | undefined {
  const raw = field.initial?.trim();
  if (!raw) return undefined;
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(raw);
  if (!m) throw new Error(`Field "${field.id}": initial "${raw}" is not a number`);
  if (m[2] !== undefined && !field.decimal) {
    if (!/^0+$/.test(m[2])) throw new Error(`Field "${field.id}": initial "${raw}" has decimals but the field allows none`);
    return m[1];
  }
  return raw;
}

function element(field: FormFieldModel): any {
  const base = { action_id: field.id };
  switch (field.type) {
    case 'text': {
      const maxLength = Math.min(Math.max(1, field.maxLength ?? L.plainTextInput), L.plainTextInput);
      return {
        type: 'plain_text_input',
        ...base,
        ...(field.multiline ? { multiline: true } : {}),
        ...(field.maxLength !== undefined ? { max_length: maxLength } : {}),
        ...(field.placeholder?.trim() ? { placeholder: plainText(oneLine(field.placeholder), L.placeholder) } : {}),
        ...(field.initial ? { initial_value: truncatePlain(field.initial, maxLength) } : {}),
      };
    }
    case 'datetime': {
      if (field.initial && Number.isNaN(field.initial.getTime())) throw new Error(`Field "${field.id}": invalid initial date`);
      return {
        type: 'datetimepicker',
        ...base,
        ...(field.initial ? { initial_date_time: Math.floor(field.initial.getTime() / 1000) } : {}),
      };
    }
    case 'date': {
      if (field.initial && !/^\d{4}-\d{2}-\d{2}$/.test(field.initial)) {
        throw new Error(`Field "${field.id}": initial date must be YYYY-MM-DD, got "${field.initial}"`);
      }
      return { type: 'datepicker', ...base, ...(field.initial ? { initial_date: field.initial } : {}) };
    }
    case 'number': {
      const initial = numberInitial(field);
      return { type: 'number_input', ...base, is_decimal_allowed: Boolean(field.decimal), ...(initial ? { initial_value: initial } : {}) };
    }
    case 'select': {
      const seen = new Set<string>();
      const unique = field.options.filter((o) => !seen.has(o.value) && seen.add(o.value));
      if (unique.length === 0) throw new Error(`Field "${field.id}": a select needs at least one option`);
      let shown = unique.slice(0, L.selectOptions);
      // A long list keeps its first 100 options, but never loses the current value.
      const initial = field.initial === undefined ? undefined : unique.find((o) => o.value === field.initial);
      if (initial && !shown.includes(initial)) shown = [...shown.slice(0, L.selectOptions - 1), initial];
      const options = shown.map((o) => option(o.label, o.value));
      return {
        type: 'static_select',
        ...base,
        options,
        ...(initial ? { initial_option: options[shown.indexOf(initial)] } : {}),
      };
    }
    case 'customer':
      return {
        type: 'external_select',
        ...base,
        min_query_length: 1,
        ...(field.placeholder?.trim() ? { placeholder: plainText(oneLine(field.placeholder), L.placeholder) } : {}),
        ...(field.initial ? { initial_option: option(field.initial.label, field.initial.value) } : {}),
      };
  }
}

/**
 * A FormModel as a Slack modal view (for views.open / views.push / views.update).
 * Each field is one input block whose block_id and action_id are the field id, so
 * `readFormValues` and `renderFieldErrors` address fields by the same id.
 * `opts.privateMetadata` replaces the JSON of `form.metadata` when the handler needs more
 * (e.g. a channel to answer in). Throws on programming errors: duplicate or over-long ids,
 * private_metadata over 3000 chars, more than 100 fields, malformed initial values.
 */
export function renderFormView(form: FormModel, opts: { privateMetadata?: string } = {}): any {
  if (form.fields.length > L.viewBlocks) throw new Error(`Form ${form.formId} has ${form.fields.length} fields (max ${L.viewBlocks})`);
  const ids = new Set<string>();
  for (const f of form.fields) {
    if (!f.id || f.id.length > L.blockId) throw new Error(`Form ${form.formId}: field id "${f.id.slice(0, 40)}" is empty or too long`);
    if (ids.has(f.id)) throw new Error(`Form ${form.formId}: duplicate field id "${f.id}"`);
    ids.add(f.id);
  }
  const privateMetadata = opts.privateMetadata ?? (form.metadata ? JSON.stringify(form.metadata) : undefined);
  if (privateMetadata !== undefined && privateMetadata.length > L.privateMetadata) {
    throw new Error(`Form ${form.formId}: private_metadata is ${privateMetadata.length} chars (max ${L.privateMetadata})`);
  }
  return {
    type: 'modal',
    callback_id: form.formId,
    title: plainText(oneLine(form.title), L.viewTitle),
    submit: plainText(oneLine(form.submit), L.viewSubmit),
    close: plainText(oneLine(form.close), L.viewClose),
    ...(privateMetadata !== undefined ? { private_metadata: privateMetadata } : {}),
    blocks: form.fields.map((field) => ({
      type: 'input',
      block_id: field.id,
      label: plainText(oneLine(field.label) || field.id, L.inputLabel),
      element: element(field),
      ...(field.optional ? { optional: true } : {}),
    })),
  };
}

/** The metadata renderFormView stored (form.metadata), or {} when absent or not ours. */
export function readFormMetadata(privateMetadata: string | undefined): Record<string, string> {
  if (!privateMetadata) return {};
  try {
    const parsed: unknown = JSON.parse(privateMetadata);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

function trimmedOrNull(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/**
 * A view_submission's `view.state.values` as plain values keyed by field id:
 * text/number → trimmed string or null, date → 'YYYY-MM-DD' or null, datetime → Date or null,
 * select/customer → the selected option's value or null.
 */
export function readFormValues(form: FormModel | { fields: Array<{ id: string; type: string }> }, stateValues: any): FormValues {
  const values: FormValues = {};
  for (const field of form.fields) {
    const block = stateValues?.[field.id];
    const state = block?.[field.id] ?? (block && typeof block === 'object' ? Object.values(block)[0] : undefined) ?? {};
    switch (field.type) {
      case 'datetime': {
        const seconds = state.selected_date_time;
        values[field.id] = typeof seconds === 'number' ? new Date(seconds * 1000) : null;
        break;
      }
      case 'date':
        values[field.id] = trimmedOrNull(state.selected_date);
        break;
      case 'select':
      case 'customer':
        values[field.id] = trimmedOrNull(state.selected_option?.value);
        break;
      default:
        values[field.id] =
          state.selected_option !== undefined ? trimmedOrNull(state.selected_option?.value) : trimmedOrNull(state.value);
    }
  }
  return values;
}

/** Field errors for a view_submission ack: `{ response_action: 'errors', errors }`, keyed by field id. */
export function renderFieldErrors(errors: Record<string, string>): { response_action: 'errors'; errors: Record<string, string> } {
  const out: Record<string, string> = {};
  for (const [id, message] of Object.entries(errors)) {
    out[id] = truncatePlain(oneLine(message), L.fieldError) || ELLIPSIS;
  }
  return { response_action: 'errors', errors: out };
}
