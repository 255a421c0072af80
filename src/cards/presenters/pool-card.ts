import type { PoolNotice, PoolReturnRow } from '../../domain/customers/list-pool-notices';
import type { PoolRules } from '../../domain/customers/pool-rules';
import type { CardModel, Section } from '../reply-model';
import { clip, formatDate } from './format';
import type { Reader } from './reader';

/** Three buttons a customer: eight customers keep a DM far under Slack's 50 blocks. */
const maxWarned = 8;
const maxReturned = 15;
const maxSummaryReturns = 15;

/**
 * An owner's pool DM of the day: customers about to go back to the pool (when, and buttons to
 * work them) and customers that went back today.
 */
export function poolNoticeCard(notice: PoolNotice, ctx: Reader): CardModel {
  const { t, user } = ctx;
  const sections: Section[] = notice.warnings.slice(0, maxWarned).map((w) => ({
    lines: [t('pool.notice.warningLine', { name: clip(w.name, 80), date: formatDate(w.returnOn, user.locale), since: formatDate(w.lastActivityOn, user.locale) })],
    buttons: [
      { label: t('customer.logVisit'), action: 'visit.log_for', value: w.customerId, style: 'primary' },
      { label: t('customer.planVisit'), action: 'visit.plan_for', value: w.customerId },
      { label: t('customer.details'), action: 'customer.open', value: w.customerId },
    ],
  }));
  if (notice.warnings.length > maxWarned) sections.push({ lines: [t('pool.notice.more', { count: notice.warnings.length - maxWarned })] });
  if (notice.returns.length > 0) {
    sections.push({
      title: t('pool.notice.returnedTitle', { count: notice.returns.length }),
      lines: [
        ...notice.returns.slice(0, maxReturned).map((r) => t('pool.notice.returnedLine', { name: clip(r.name, 80), days: r.daysInactive })),
        ...(notice.returns.length > maxReturned ? [t('pool.notice.more', { count: notice.returns.length - maxReturned })] : []),
      ],
    });
  }
  const warned = notice.warnings.length > 0;
  return {
    kind: 'card',
    tone: 'warn',
    header: warned ? t('pool.notice.header', { count: notice.warnings.length }) : t('pool.notice.returnedHeader', { count: notice.returns.length }),
    text: warned ? t('pool.notice.intro') : undefined,
    sections,
    context: [t('pool.notice.footer')],
  };
}

/** The manager's weekly summary section: customers returned from their team last week. */
export function poolReturnsSection(returns: PoolReturnRow[], ctx: Reader): Section {
  const { t, user } = ctx;
  return {
    title: t('pool.summary.title', { count: returns.length }),
    lines: [
      ...returns.slice(0, maxSummaryReturns).map((r) =>
        t('pool.summary.line', { name: clip(r.customerName, 60), owner: clip(r.previousOwnerName, 40), days: r.daysInactive, date: formatDate(r.returnedOn, user.locale) }),
      ),
      ...(returns.length > maxSummaryReturns ? [t('pool.summary.more', { count: returns.length - maxSummaryReturns })] : []),
    ],
  };
}

/** `/sfa admin pool`: the rules in force and what they will do in the next days. */
export function poolSettingsCard(rules: PoolRules, due: { due: number; until: string }, ctx: Reader & { changed?: boolean }): CardModel {
  const { t, user } = ctx;
  const days = (n: number | null | undefined) => (n == null ? t('pool.admin.never') : t('pool.admin.days', { count: n }));
  const tierParts = (['A', 'B', 'C', 'none'] as const).filter((k) => k in rules.tierDays).map((k) => `${k === 'none' ? t('pool.admin.noTier') : k} ${days(rules.tierDays[k])}`);
  const lines = [
    rules.returnDays == null ? t('pool.admin.returnOff') : t('pool.admin.returnOn', { days: days(rules.returnDays) }),
    ...(rules.returnDays != null && tierParts.length ? [t('pool.admin.tiers', { tiers: tierParts.join(' · ') })] : []),
    t('pool.admin.warn', { count: rules.warnDays }),
    rules.maxClaims == null ? t('pool.admin.claimsOff') : t('pool.admin.claims', { count: rules.maxClaims }),
    ...(rules.returnDays != null ? [t('pool.admin.due', { count: due.due, date: formatDate(due.until, user.locale) })] : []),
  ];
  return {
    kind: 'card',
    tone: ctx.changed ? 'ok' : 'info',
    header: t('pool.admin.header'),
    sections: [{ lines }],
    context: [t('pool.admin.usage')],
  };
}
