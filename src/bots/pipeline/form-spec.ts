import { z } from 'zod';
import type { FormFieldModel, FormModel } from '../../cards/reply-model';
import { problemOf } from '../../domain/shared/validate';
import type { FieldIssue } from '../../domain/shared/domain-error';

/**
 * What a form's field holds and how big it may be. One spec per form serves the builder (input
 * types and limits shown to the person), both platforms' readers (how to read the answer back)
 * and the check of what came back, which is attacker-controlled like any payload.
 */
export type FieldSpec =
  | { type: 'text'; max: number; optional?: boolean; multiline?: boolean }
  | { type: 'datetime'; optional?: boolean }
  | { type: 'date'; optional?: boolean }
  | { type: 'number'; optional?: boolean; decimal?: boolean; min?: number; max?: number }
  | { type: 'select'; options: readonly string[]; optional?: boolean }
  /** A customer the person may see: an id from a typeahead, or a name typed where there is none (Teams). */
  | { type: 'customer'; optional?: boolean };

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

type ValueOf<F extends FieldSpec> = F extends { type: 'datetime' } ? Date : F extends { type: 'select'; options: readonly (infer O)[] } ? O : string;
/** Submitted values, checked: every field present, null when left empty. */
export type FormValues<S extends FieldSpecs> = { [K in keyof S]: ValueOf<S[K]> | null };

/** What a platform read from a submission before any checking: text, a Date, or nothing. */
export type RawFormValues = Record<string, string | Date | null | undefined>;

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : typeof v === 'string' ? v.trim() : v);
const decimalText = /^-?\d{1,12}(\.\d{1,6})?$/;

function fieldSchema(spec: FieldSpec): z.ZodTypeAny {
  const base = (() => {
    switch (spec.type) {
      case 'text':
        return z.string().max(spec.max);
      case 'datetime':
        return z.date().refine((d) => !Number.isNaN(d.getTime()), { message: 'Invalid date' });
      case 'date':
        return z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-01');
      case 'number':
        return z
          .string()
          .max(20)
          .regex(decimalText, 'must be a number')
          .refine((v) => spec.decimal || !v.includes('.'), 'must be a whole number')
          .refine((v) => spec.min === undefined || Number(v) >= spec.min, `must be at least ${spec.min}`)
          .refine((v) => spec.max === undefined || Number(v) <= spec.max, `must be at most ${spec.max}`);
      case 'select':
        return z.enum(spec.options as [string, ...string[]]);
      case 'customer':
        return z.string().uuid();
    }
  })();
  return z.preprocess(blankToNull, spec.optional ? base.nullable().optional().transform((v) => v ?? null) : base);
}

const numberProblem = (spec: FieldSpec, message: string): Pick<FieldIssue, 'code' | 'max' | 'min'> | null => {
  if (spec.type !== 'number') return null;
  if (message.startsWith('must be at least')) return { code: 'too_small', min: spec.min };
  if (message.startsWith('must be at most')) return { code: 'too_large', max: spec.max };
  return { code: 'not_a_number' };
};

/**
 * Checks submitted values against a form's spec: types, lengths, choices. Fields the spec does not
 * name are ignored; a missing required one is a problem under that field.
 */
export function checkFormValues<S extends FieldSpecs>(spec: S, raw: RawFormValues): { ok: true; values: FormValues<S> } | { ok: false; issues: FieldIssue[] } {
  const values: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [id, field] of Object.entries(spec)) {
    const parsed = fieldSchema(field).safeParse(Object.hasOwn(raw, id) ? raw[id] : undefined);
    if (parsed.success) values[id] = parsed.data;
    else {
      const issue = parsed.error.issues[0]!;
      issues.push({ field: id, ...(numberProblem(field, issue.message) ?? problemOf(issue)) });
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, values: values as FormValues<S> };
}

/** A form's frame in the reader's language: its id, title, and Save / Cancel (or another submit label). */
export function formFrame(t: (key: string) => string, formId: FormModel['formId'], titleKey: string, submitKey = 'common.save') {
  return { kind: 'form' as const, formId, title: t(titleKey), submit: t(submitKey), close: t('common.cancel') };
}

type Presets = { initial?: string | Date | { label: string; value: string }; placeholder?: string; optionLabel?: (value: string) => string };

/** The input a person sees for one field of a spec, labelled in their language. */
export function fieldModel(id: string, spec: FieldSpec, label: string, presets: Presets = {}): FormFieldModel {
  const optional = spec.optional ? { optional: true } : {};
  const placeholder = presets.placeholder ? { placeholder: presets.placeholder } : {};
  switch (spec.type) {
    case 'text':
      return { id, label, type: 'text', maxLength: spec.max, ...(spec.multiline ? { multiline: true } : {}), ...placeholder, ...optional, ...(typeof presets.initial === 'string' ? { initial: presets.initial } : {}) };
    case 'datetime':
      return { id, label, type: 'datetime', ...optional, ...(presets.initial instanceof Date ? { initial: presets.initial } : {}) };
    case 'date':
      return { id, label, type: 'date', ...optional, ...(typeof presets.initial === 'string' ? { initial: presets.initial } : {}) };
    case 'number':
      return { id, label, type: 'number', ...(spec.decimal ? { decimal: true } : {}), ...optional, ...(typeof presets.initial === 'string' ? { initial: presets.initial } : {}) };
    case 'select':
      return { id, label, type: 'select', options: spec.options.map((v) => ({ label: presets.optionLabel?.(v) ?? v, value: v })), ...optional, ...(typeof presets.initial === 'string' ? { initial: presets.initial } : {}) };
    case 'customer':
      return { id, label, type: 'customer', ...placeholder, ...optional, ...(presets.initial && typeof presets.initial === 'object' && !(presets.initial instanceof Date) ? { initial: presets.initial } : {}) };
  }
}
