import type { SignalCustomerRef, SignalType } from '../../domain/signals/signal-event.entity';
import type { SignalMatchView } from '../../domain/signals/signal-match-view';
import type { SignalRulesOverview } from '../../domain/signals/list-signal-rules';
import type { UnmatchedGroup } from '../../domain/signals/list-unmatched-signals';
import type { FiringSummary, SignalTexts } from '../../domain/signals/process-signals';
import type { SignalRule } from '../../domain/signals/signal-rule.entity';
import { translator, type Translate } from '../i18n/i18n';
import type { Button, CardModel, Field } from '../reply-model';
import { clip, formatDateTime } from './format';
import type { Reader } from './reader';

/** "3× page views of SKU-1" in the reader's language. */
export function eventsText(t: Translate, type: SignalType, count: number, sku: string | null): string {
  const what = t(`signals.types.${type}`, { count });
  return sku ? t('signals.whatSku', { count, type: what, sku }) : t('signals.what', { count, type: what });
}

/** The title of a deal a firing creates and the note it leaves, in the owner's language (for process-signals). */
export const signalTexts: SignalTexts = (f: FiringSummary, locale: string) => {
  const t = translator(locale);
  const what = eventsText(t, f.eventType, f.count, f.productSku);
  const note = t(f.lastUrl ? 'signals.noteUrl' : 'signals.note', { rule: f.ruleName, what, days: f.windowDays, url: clip(f.lastUrl, 300) });
  return { title: clip(t('signals.dealTitle', { what }), 200), note: clip(note, 4000) };
};

/**
 * The owner's nudge: which rule fired for which customer, the evidence (events counted, product,
 * last page, when), what it did, and plan visit / open deal / dismiss. Dismissed: said so, no dismiss button.
 */
export function signalCard(view: SignalMatchView, ctx: Reader): CardModel {
  const { t, user } = ctx;
  const { match, customer, opportunity } = view;
  const evidence = match.evidence;
  const type = evidence.eventType as SignalType;
  const days = view.rule?.windowDays ?? Math.max(1, Math.round((match.windowEnd.getTime() - match.windowStart.getTime()) / 86_400_000));
  const fields: Field[] = [
    { label: t('signals.fieldRule'), value: clip(match.ruleName, 100) },
    { label: t('signals.fieldEvents'), value: t('signals.eventsValue', { what: eventsText(t, type, evidence.count, null), days }) },
  ];
  if (match.productSku) fields.push({ label: t('signals.fieldProduct'), value: clip(match.productSku, 100) });
  if (evidence.lastUrl) fields.push({ label: t('signals.fieldLastUrl'), value: clip(evidence.lastUrl, 200) });
  fields.push({ label: t('signals.fieldWhen'), value: formatDateTime(new Date(evidence.lastAt), user.timezone, user.locale) });
  const outcome =
    match.outcome === 'flagged'
      ? t('signals.outcomeFlagged')
      : match.outcome === 'created'
        ? t('signals.outcomeCreated', { title: clip(opportunity?.title ?? '', 100) })
        : match.scoreBump > 0
          ? t('signals.outcomeStrengthened', { title: clip(opportunity?.title ?? '', 100), bump: match.scoreBump })
          : t('signals.outcomeNoted', { title: clip(opportunity?.title ?? '', 100) });
  const buttons: Button[] = [{ label: t('signals.planVisit'), action: 'visit.plan_for', value: customer.id, style: 'primary' }];
  if (opportunity) buttons.push({ label: t('signals.openDeal'), action: 'opp.open', value: opportunity.id });
  if (!match.dismissedAt && view.canDismiss) buttons.push({ label: t('signals.dismiss'), action: 'signal.dismiss', value: match.id });
  return {
    kind: 'card',
    // No "warn" tone: its ⚠️ before the header's 🔥 would be two icons for one message.
    tone: match.dismissedAt ? 'info' : undefined,
    header: clip(t('signals.header', { customer: customer.name }), 150),
    text: outcome,
    fields,
    buttons,
    context: [
      match.dismissedAt
        ? t('signals.dismissedBy', { name: clip(view.dismissedByName ?? t('common.none'), 60), when: formatDateTime(match.dismissedAt, user.timezone, user.locale) })
        : t('signals.footer', { when: formatDateTime(match.firedAt, user.timezone, user.locale) }),
    ],
  };
}

/** "3× page views of each product within 7 days · URL contains /pricing". */
export function ruleText(rule: Pick<SignalRule, 'eventType' | 'minCount' | 'windowDays' | 'productSku' | 'perProduct' | 'urlContains'>, t: Translate): string {
  const each = !rule.productSku && rule.perProduct;
  const what = eventsText(t, rule.eventType, rule.minCount, rule.productSku ?? null);
  const within = each
    ? t('signals.withinEach', { count: rule.minCount, type: t(`signals.types.${rule.eventType}`, { count: rule.minCount }), days: rule.windowDays })
    : t('signals.within', { what, days: rule.windowDays });
  return `${within}${rule.urlContains ? ` · ${t('signals.urlContains', { url: clip(rule.urlContains, 100) })}` : ''}`;
}

/** `/sfa admin signals`: every rule with its bump and this week's firings, and this week's signals. */
export function signalRulesCard(overview: SignalRulesOverview, ctx: Reader): CardModel {
  const { t } = ctx;
  const lines = overview.rules.slice(0, 40).map(({ rule, firedLast7Days }) =>
    [
      `• *${clip(rule.name, 60)}* — ${ruleText(rule, t)}`,
      t('signals.bump', { bump: rule.scoreBump }),
      t('signals.fired', { count: firedLast7Days }),
      ...(rule.active ? [] : [t('signals.inactive')]),
    ].join(' · '),
  );
  const { matched, unmatched, pending } = overview.last7Days;
  return {
    kind: 'card',
    header: t('signals.rulesHeader'),
    text: overview.rules.length ? undefined : t('signals.noRules'),
    sections: [
      ...(lines.length ? [{ lines }] : [{ title: t('signals.presetsTitle'), lines: presetLines(t) }]),
      { lines: [t('signals.last7', { matched, unmatched, pending })] },
    ],
    context: [t('signals.listHint')],
  };
}

const presetLines = (t: Translate) => [t('signals.presetPageViews'), t('signals.presetSeminar'), t('signals.presetPriceList')];

/** `/sfa admin signals help`: the grammar and the issue's examples as ready-made commands. */
export function signalsHelpCard(ctx: Reader, problem?: string): CardModel {
  const { t } = ctx;
  return {
    kind: 'card',
    tone: problem ? 'warn' : 'info',
    text: [problem, t('signals.usage')].filter(Boolean).join('\n'),
    sections: [{ title: t('signals.presetsTitle'), lines: presetLines(t) }],
  };
}

/** How a sender named a customer, shortly, in the reader's language: "email buyer@acme.com · name ACME". */
export function refText(ref: SignalCustomerRef, t: Translate): string {
  const parts = (['external_id', 'email', 'domain', 'name'] as const).filter((k) => typeof ref?.[k] === 'string' && ref[k]).map((k) => `${t(`signals.refFields.${k}`)} ${clip(String(ref[k]), 80)}`);
  return parts.join(' · ') || '—';
}

/** `/sfa admin signals unmatched`: who, what and when, per customer reference, newest first. */
export function unmatchedSignalsCard(result: { groups: UnmatchedGroup[]; total: number }, ctx: Reader): CardModel {
  const { t, user } = ctx;
  if (result.groups.length === 0) return { kind: 'card', text: t('signals.unmatchedEmpty') };
  const lines = result.groups.map((g) => {
    // One kind: "3× downloads" / "3 次下载"; several: "5 signals (page views, downloads)".
    const what =
      g.types.length === 1
        ? eventsText(t, g.types[0]!, g.count, null)
        : t('signals.unmatchedMixed', { count: g.count, types: g.types.map((type) => t(`signals.typeNames.${type}`)).join(t('signals.listSep')) });
    const extra = [g.productSkus.length ? g.productSkus.join(', ') : '', g.lastUrl ? clip(g.lastUrl, 80) : ''].filter(Boolean).join(' · ');
    return t('signals.unmatchedLine', {
      ref: refText(g.ref, t),
      what,
      extra: extra ? ` · ${extra}` : '',
      when: formatDateTime(g.lastAt, user.timezone, user.locale),
      reason: t(`signals.reasons.${g.reason}`),
    });
  });
  return {
    kind: 'card',
    header: t('signals.unmatchedHeader'),
    sections: [{ lines }],
    context: [result.total > result.groups.length ? t('signals.unmatchedMore', { shown: result.groups.length, total: result.total }) : t('signals.unmatchedHint')],
  };
}
