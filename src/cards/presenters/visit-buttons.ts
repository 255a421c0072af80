import type { Translate } from '../i18n/i18n';
import type { Button } from '../reply-model';

/** What can be done with a planned visit: shown on confirmations, lists, the App Home and reminders. */
export function visitButtons(visitId: string, { t }: { t: Translate }): Button[] {
  return [
    { label: t('visit.logOutcome'), action: 'visit.log_outcome', value: visitId, style: 'primary' },
    { label: t('visit.reschedule'), action: 'visit.reschedule', value: visitId },
    {
      label: t('visit.cancel'),
      action: 'visit.cancel',
      value: visitId,
      style: 'danger',
      confirm: { title: t('visit.cancel'), text: t('visit.cancelConfirm'), ok: t('common.yes'), cancel: t('common.cancel') },
    },
  ];
}
