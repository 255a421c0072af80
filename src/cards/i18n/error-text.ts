import { fieldIssues, isDomainError, type DomainError, type FieldIssue } from '../../domain/shared/domain-error';
import type { CardModel } from '../reply-model';
import type { Translate } from './i18n';

/** A field's name as the reader says it ("the notes", "备注"); a nested path ("lines.0.sku") by its last name. */
export function fieldLabel(field: string, t: Translate): string {
  const name = field.split('.').filter((p) => !/^\d+$/.test(p)).at(-1) ?? '';
  return t(`fields.${name}`, { defaultValue: t('fields.other') });
}

/** One field's problem in the reader's language. */
export function problemText(issue: FieldIssue, t: Translate): string {
  return t(`errors.problems.${issue.code}`, { field: fieldLabel(issue.field, t), max: issue.max, min: issue.min, value: issue.value ?? '' });
}

/** What each refusal needs filled in beyond its fixed text, in the reader's language. */
function interpolation(err: DomainError, t: Translate): Record<string, unknown> {
  const d = err.details;
  switch (`${err.code}.${err.reason}`) {
    case 'forbidden.role':
      return { context: Array.isArray(d.allowed) && !d.allowed.includes('manager') ? 'admin' : undefined };
    case 'invalid_input.fields': {
      const problems = fieldIssues(err).map((i) => problemText(i, t));
      // One problem is said as a sentence of its own; several are listed.
      if (problems.length === 1) return { context: 'one', problem: problems[0]!.charAt(0).toUpperCase() + problems[0]!.slice(1) };
      return { problems: problems.join('; ') || t('errors.problems.invalid', { field: t('fields.other') }) };
    }
    case 'invalid_input.unknown_sku':
      return { skus: (Array.isArray(d.skus) ? d.skus : []).join(', ') };
    case 'conflict.closed':
      return { stage: t(`opp.stages.${String(d.stage)}`) };
    case 'conflict.not_planned':
      return { status: t(`visit.statuses.${String(d.status)}`) };
    case 'conflict.decided':
      return { status: t(`quote.statuses.${String(d.status)}`) };
    case 'conflict.not_manager':
      return { name: String(d.name ?? '') };
    case 'conflict.claim_limit':
      return { limit: Number(d.limit ?? 0), held: Number(d.held ?? 0) };
    case 'duplicate.customer': {
      const names = ((d.candidates as Array<{ name: string }> | undefined) ?? []).map((c) => c.name).join(', ');
      const ask = (Array.isArray(d.ask) && d.ask.length ? d.ask.join(t('common.or')) : t('common.anAdmin')) as string;
      const hidden = Number(d.hiddenCount ?? 0) > 0;
      return { names, ask, context: hidden ? (names ? 'both' : 'elsewhere') : undefined };
    }
    default:
      return {};
  }
}

/**
 * The one place a failure becomes words for a person: each DomainError code and reason has its
 * text in every language (checked when compiling); anything unexpected becomes "nothing was
 * saved", never a trace or English log text.
 */
export function errorText(err: unknown, t: Translate): string {
  if (!isDomainError(err)) return t('errors.internal');
  return t(`errors.${err.code}.${err.reason}`, { ...interpolation(err, t), defaultValue: t('errors.internal') });
}

export function errorCard(err: unknown, t: Translate): CardModel {
  return { kind: 'card', tone: 'error', text: errorText(err, t) };
}
