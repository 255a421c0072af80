import type { FailedDelivery } from '../../domain/deliveries/list-failed-deliveries';
import type { Reader } from './reader';
import type { CardModel } from '../reply-model';
import { clip, formatDateTime } from './format';

type Ctx = Reader;

const knownKinds = ['visit_reminder', 'follow_up', 'nudge_digest', 'manager_summary'];

/** `/sfa admin failures`: what the jobs gave up on, newest first, and why. */
export function failedDeliveriesCard(result: { items: FailedDelivery[]; total: number }, ctx: Ctx): CardModel {
  const { t, user } = ctx;
  if (result.total === 0) return { kind: 'card', tone: 'ok', text: t('jobs.failures.empty') };
  const lines = result.items.map((d) =>
    t('jobs.failures.line', {
      at: formatDateTime(d.at, user.timezone, user.locale),
      kind: t(`jobs.failures.kinds.${knownKinds.includes(d.kind) ? d.kind : 'other'}`),
      to: clip(d.userName ?? d.channel ?? '?', 40),
      error: clip(d.error, 80),
      attempts: d.attempts,
    }),
  );
  return {
    kind: 'card',
    tone: 'warn',
    header: t('jobs.failures.header', { count: result.total }),
    sections: [{ lines }],
    context: [t('jobs.failures.footer')],
  };
}
