import { errorText, problemText } from '../../cards/i18n/error-text';
import { clip } from '../../cards/presenters/format';
import type { Translate } from '../../cards/i18n/i18n';
import { fieldIssues, isDomainError, type FieldIssue } from '../../domain/shared/domain-error';
import type { FormResult } from '../pipeline/context';

// A use case's input names that a form shows under another field.
const defaultAliases: Record<string, string> = { customerId: 'customer', scheduledAt: 'when', occurredAt: 'when', expectedCloseDate: 'closeDate', extraPercentOff: 'discount', lostReason: 'reason' };

/** Problems under the fields they are about, in the reader's language (Slack allows 150 characters each). */
export function issuesToErrors(issues: FieldIssue[], t: Translate, fieldIds: readonly string[]): Record<string, string> {
  const ids = new Set(fieldIds);
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const id = defaultAliases[issue.field] ?? issue.field;
    if (ids.has(id) && !errors[id]) errors[id] = clip(problemText(issue, t), 140);
  }
  return errors;
}

/** A refused submission keeps the form open with the reason under the right input (else the first). */
export function formErrors(err: unknown, t: Translate, fieldIds: readonly string[]): FormResult {
  const errors = isDomainError(err) ? issuesToErrors(fieldIssues(err), t, fieldIds) : {};
  // Only the pipeline calls this, for refusals; anything else must roll the transaction back there.
  if (Object.keys(errors).length === 0) errors[fieldIds[0]!] = clip(errorText(err, t), 140);
  return { type: 'errors', errors };
}
