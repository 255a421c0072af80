import { DateTime } from 'luxon';
import type { ChurnRisk } from '../../domain/reports/list-churn-risks';
import type { User } from '../../domain/org/user.entity';
import type { Translate } from '../i18n/i18n';
import type { CardModel } from '../reply-model';
import { clip, formatMoney } from './format';

const maxCustomers = 10;

/** An owner's Monday alert: customers gone quiet or buying less, why deals were lost, and a button to plan a visit. */
export function churnAlertCard(risks: ChurnRisk[], ctx: { t: Translate; user: Pick<User, 'locale'>; currency: string; now: Date }): CardModel {
  const { t, user } = ctx;
  return {
    kind: 'card',
    tone: 'warn',
    header: t('jobs.churn.header', { count: risks.length }),
    sections: risks.slice(0, maxCustomers).map((r) => {
      const days = r.lastActivityAt ? Math.floor(DateTime.fromJSDate(ctx.now).diff(DateTime.fromJSDate(r.lastActivityAt), 'days').days) : null;
      const why = [
        r.reasons.includes('quiet') ? (days === null ? t('jobs.churn.never') : t('jobs.churn.quiet', { days })) : null,
        r.reasons.includes('declining') ? t('jobs.churn.declining', { recent: formatMoney(r.revenueRecent, ctx.currency, user.locale), before: formatMoney(r.revenueBefore, ctx.currency, user.locale) }) : null,
        r.lostReasons.length ? t('jobs.churn.lost', { reasons: clip(r.lostReasons.join('; '), 120) }) : null,
      ].filter(Boolean);
      return { lines: [`*${clip(r.name, 80)}* — ${why.join(' · ')}`], buttons: [{ label: t('customer.planVisit'), action: 'visit.plan_for', value: r.customerId }] };
    }),
    context: risks.length > maxCustomers ? [t('jobs.summary.more', { count: risks.length - maxCustomers })] : undefined,
  };
}
