import { isDomainError, type DomainError } from '../../domain/shared/domain-error';
import type { Translate } from '../../cards/i18n/i18n';
import type { CardModel } from '../../cards/reply-model';

/**
 * The one place a failure becomes words for a person: every domain error code maps to a short
 * message in their language; anything unexpected becomes "nothing was saved", never a trace.
 */
export function errorText(err: unknown, t: Translate): string {
  if (!isDomainError(err)) return t('errors.internal');
  return domainErrorText(err, t);
}

function domainErrorText(err: DomainError, t: Translate): string {
  const reason = typeof err.details.reason === 'string' ? err.details.reason : undefined;
  switch (err.code) {
    case 'not_found':
      return t('errors.not_found');
    case 'forbidden':
      if (reason === 'not_yours' || reason === 'owner_out_of_reach') return t('errors.forbidden_not_yours');
      if (reason === 'claim_first') return t('errors.forbidden_claim_first');
      if (reason === 'role') return t('errors.forbidden_role');
      if (reason === 'unknown_user') return t('errors.forbidden_unknown_user');
      return t('errors.forbidden');
    case 'invalid_input': {
      const fields = (err.details.fields as Array<{ field: string; problem: string }> | undefined) ?? [];
      return t('errors.invalid_input', { problems: fields.length ? fields.map((f) => `${f.field} ${f.problem}`).join('; ') : err.message });
    }
    case 'conflict':
      if (reason === 'already_claimed') return t('errors.conflict_already_claimed');
      if (reason === 'closed') return t('errors.conflict_closed', { stage: t(`opp.stages.${String(err.details.stage)}`) });
      if (reason === 'not_planned') return t('errors.conflict_not_planned', { status: t(`visit.statuses.${String(err.details.status)}`) });
      if (reason === 'last_admin') return t('errors.conflict_last_admin');
      return t('errors.conflict', { message: err.message });
    case 'duplicate': {
      const candidates = (err.details.candidates as Array<{ name: string }> | undefined) ?? [];
      return t('errors.duplicate', { names: candidates.map((c) => c.name).join(', ') });
    }
  }
}

export function errorCard(err: unknown, t: Translate): CardModel {
  return { kind: 'card', tone: 'error', text: errorText(err, t) };
}
