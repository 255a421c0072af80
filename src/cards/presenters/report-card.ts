import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import type { Contributor, Figure, KpiReport, RateFigure } from '../../domain/reports/build-kpi-report';
import type { ChurnRisk } from '../../domain/reports/list-churn-risks';
import type { ReportChartModel } from '../charts/report-charts';
import type { Translate } from '../i18n/i18n';
import { clip, formatMoney } from './format';

type Reader = { t: Translate; locale: string };

const arrow = (f: Figure) => (f.changePercent === null ? '' : Number(f.changePercent) > 0 ? ` ▲ ${f.changePercent}%` : Number(f.changePercent) < 0 ? ` ▼ ${f.changePercent.replace('-', '')}%` : ' =');
const count = (f: Figure, locale: string) => new Intl.NumberFormat(locale).format(Number(f.current));
const day = (d: DateTime, locale: string) => (locale === 'zh-CN' ? d.setLocale('zh-CN').toFormat('yyyy年M月d日') : d.setLocale('en-GB').toFormat('d LLL yyyy'));

/** "1–3 Dec 2026", "28 Nov – 3 Dec 2026": the first to the last day covered (a span to date ends on the day it is as of). */
function range(start: Date, end: Date, zone: string, locale: string): string {
  const first = DateTime.fromJSDate(start, { zone }).setLocale(locale === 'zh-CN' ? 'zh-CN' : 'en-GB');
  const endAt = DateTime.fromJSDate(end, { zone }).setLocale(first.locale!);
  // An exclusive end at midnight is the day before; a span to date ends inside its last day.
  const last = endAt.equals(endAt.startOf('day')) ? endAt.minus({ days: 1 }) : endAt;
  if (first.hasSame(last, 'day')) return day(first, locale);
  const zh = locale === 'zh-CN';
  if (first.hasSame(last, 'month')) return zh ? `${first.toFormat('yyyy年M月d日')}–${last.toFormat('d日')}` : `${first.toFormat('d')}–${last.toFormat('d LLL yyyy')}`;
  if (first.hasSame(last, 'year')) return zh ? `${first.toFormat('yyyy年M月d日')}–${last.toFormat('M月d日')}` : `${first.toFormat('d LLL')} – ${last.toFormat('d LLL yyyy')}`;
  return `${day(first, locale)} – ${day(last, locale)}`;
}

/** The dates a report covers, as the reader writes them, saying when it is to date. */
export function periodRange(report: KpiReport, { t, locale }: Reader): string {
  const w = report.window;
  const covered = range(w.start, w.end, report.timezone, locale);
  return w.toDate ? t('report.toDate', { range: covered, previous: range(w.previousStart, w.previousEnd, report.timezone, locale) }) : covered;
}

/** A signed amount: +¥1,500.00 / −¥500.00. */
const signedMoney = (amount: string, currency: string, locale: string) => {
  const value = new Decimal(amount);
  return `${value.isNegative() ? '−' : '+'}${formatMoney(value.abs().toFixed(2), currency, locale)}`;
};

function conversionText(c: RateFigure, t: Translate): string {
  if (c.current === null) return t('report.noClosedDeals');
  const points = c.changePoints === null ? '' : Number(c.changePoints) > 0 ? ` ▲ ${t('report.points', { n: c.changePoints })}` : Number(c.changePoints) < 0 ? ` ▼ ${t('report.points', { n: c.changePoints.replace('-', '') })}` : ' =';
  return `${t('report.conversion')} *${c.current}%*${points}`;
}

function pipelineLine(report: KpiReport, { t, locale }: Reader): string {
  const p = report.pipeline;
  const total = p.stages.reduce((sum, s) => sum.plus(s.amount), new Decimal(0)).toFixed(2);
  const deals = p.stages.reduce((n, s) => n + s.count, 0);
  const label = p.asOf ? t('report.pipelineAt', { date: day(DateTime.fromJSDate(p.asOf, { zone: report.timezone }).minus({ days: 1 }), locale) }) : t('report.pipelineNow');
  const others = p.otherCurrencies.map((c) => t('report.alsoOpen', { amount: formatMoney(c.amount, c.currency, locale), count: c.count }));
  return `${label}: *${formatMoney(total, report.currency, locale)}* · ${t('report.openDeals', { count: deals })}${others.length ? ` · ${others.join(' · ')}` : ''}`;
}

const name = (c: Contributor, t: Translate) => clip(c.label || t('report.unassigned'), 30);

/** Who and what moved revenue most, both ways: "▲ Reps: Amy +¥1,500.00 · Bob +¥200.00". */
function movers(report: KpiReport, reader: Reader): string[] {
  const { t, locale } = reader;
  const lines: string[] = [];
  for (const dimension of ['rep', 'product', 'region'] as const) {
    const { up, down } = report.largestChanges[dimension];
    const list = (rows: Contributor[]) => rows.map((c) => `${name(c, t)} ${signedMoney(c.change, report.currency, locale)}`).join(' · ');
    if (up.length) lines.push(`▲ ${t(`report.by.${dimension}`)}: ${list(up)}`);
    if (down.length) lines.push(`▼ ${t(`report.by.${dimension}`)}: ${list(down)}`);
  }
  return lines.length ? [`*${t('report.movers')}*`, ...lines] : [];
}

/** Revenue per unit, for a reach of several units (a manager of a subtree, the company). */
function units(report: KpiReport, { t, locale }: Reader): string[] {
  const rows = report.byUnit.filter((u) => u.key);
  if (report.scope === 'me' || rows.length < 2) return [];
  const shown = rows.slice(0, 6).map((u) => `• ${name(u, t)}: ${formatMoney(u.revenue.current, report.currency, locale)}${arrow(u.revenue)} · ${t('report.dealsWonCount', { count: u.dealsWon })}`);
  return [`*${t('report.byUnit')}*`, ...shown, ...(rows.length > 6 ? [t('report.andMore', { count: rows.length - 6 })] : [])];
}

/** Customers gone quiet or declining, with why deals were lost: for those who manage others. */
export function churnLines(risks: ChurnRisk[], shownMax: number, report: KpiReport, { t, locale }: Reader): string[] {
  if (risks.length === 0) return [];
  const at = report.window.end.getTime();
  const lines = risks.slice(0, shownMax).map((r) => {
    const why = [
      ...(r.reasons.includes('quiet') ? [r.lastActivityAt ? t('jobs.churn.quiet', { days: Math.floor((at - r.lastActivityAt.getTime()) / 86_400_000) }) : t('jobs.churn.never')] : []),
      ...(r.reasons.includes('declining') ? [t('jobs.churn.declining', { recent: formatMoney(r.revenueRecent, report.currency, locale), before: formatMoney(r.revenueBefore, report.currency, locale) })] : []),
      ...(r.lostReasons.length ? [t('jobs.churn.lost', { reasons: r.lostReasons.map((x) => clip(x, 40)).join('; ') })] : []),
    ];
    return `• ${clip(r.name, 40)} — ${why.join(' · ')}`;
  });
  return [`*${t('report.atRisk')}*`, ...lines, ...(risks.length > shownMax ? [t('report.andMore', { count: risks.length - shownMax })] : [])];
}

/** The key numbers posted beside the charts (Slack mrkdwn; Teams converts it), then what moved them. */
export function reportSummaryLines(report: KpiReport, whose: string, reader: Reader, churn: string[] = []): string[] {
  const { t, locale } = reader;
  const money = (amount: string) => formatMoney(amount, report.currency, locale);
  const lines = [
    `*${capitalised(t('report.title', { period: t(`report.periods.${report.window.period}`), whose, label: report.window.label }))}* (${periodRange(report, reader)})`,
    `${t('report.revenue')}: *${money(report.revenueWon.current)}*${arrow(report.revenueWon)} (${t('report.previous')} ${money(report.revenueWon.previous)})`,
    `${t('report.deals')}: *${count(report.dealsWon, locale)}* / ${count(report.dealsLost, locale)} · ${conversionText(report.conversion, t)}`,
    `${t('report.visits')}: *${count(report.visits, locale)}*${arrow(report.visits)} · ${t('report.newCustomers')}: *${count(report.newCustomers, locale)}*${arrow(report.newCustomers)}`,
    pipelineLine(report, reader),
  ];
  if (report.otherCurrencies.length) lines.push(`${t('report.otherCurrencies')}: ${report.otherCurrencies.map((c) => `${formatMoney(c.revenue, c.currency, locale)} (${t('report.dealsWonCount', { count: c.deals })})`).join(' · ')}`);
  lines.push(...movers(report, reader), ...units(report, reader), ...churn);
  lines.push(`_${t('report.footnote', { currency: report.currency })}_`);
  return lines;
}

/** The numbers the charts draw: floats are fine here, they only decide pixel heights. */
export function reportChartModel(report: KpiReport, { t, locale }: Reader): ReportChartModel {
  const period = t(`report.periods.${report.window.period}`);
  const symbol = currencySymbol(report.currency, locale);
  return {
    locale,
    money: { currency: report.currency },
    title: {
      revenueByRep: t('report.chart.revenueByRep', { currency: report.currency }),
      trend: t('report.chart.trend', { period }),
      pipeline: t('report.chart.pipeline', { currency: report.currency }),
    },
    series: { current: t('report.chart.current'), previous: t('report.chart.previous'), revenue: t('report.revenue'), visits: t('report.visits') },
    axes: { revenue: t('report.chart.revenueAxis', { symbol }), visits: t('report.chart.visitsAxis'), rep: t('report.chart.repAxis'), period: `${t('report.chart.periodAxis', { period })}${report.window.toDate ? ` · * ${t('report.toDateShort')}` : ''}` },
    byRep: report.byRep.map((r) => ({ label: clip(r.label, 24), current: Number(r.revenue.current), previous: Number(r.revenue.previous) })),
    trend: report.trend.map((p) => ({ label: p.label, revenue: Number(p.revenue), visits: p.visits, partial: p.partial })),
    pipeline: report.pipeline.stages.map((s) => ({ label: t(`opp.stages.${s.stage}`), amount: Number(s.amount), count: s.count })),
    pipelineNote: report.pipeline.asOf ? t('report.pipelineAt', { date: day(DateTime.fromJSDate(report.pipeline.asOf, { zone: report.timezone }).minus({ days: 1 }), locale) }) : t('report.pipelineNow'),
  };
}

/** Each chart's figures as text (alt text, and a caption where the platform shows one): the same numbers as the chart. */
export function reportChartTexts(report: KpiReport, { t, locale }: Reader, charts: ReportChartModel = reportChartModel(report, { t, locale })): { revenueByRep: string; trend: string; pipeline: string } {
  const money = (amount: string) => formatMoney(amount, report.currency, locale);
  const reps = report.byRep.slice(0, 12).map((r) => `${clip(r.label, 24)} ${money(r.revenue.current)} (${t('report.previous')} ${money(r.revenue.previous)})`);
  const trend = report.trend.map((p) => `${p.label}${p.partial ? ` (${t('report.toDateShort')})` : ''} ${money(p.revenue)}, ${t('report.visitsCount', { count: p.visits })}`);
  const total = report.pipeline.stages.reduce((sum, s) => sum.plus(s.amount), new Decimal(0));
  const stages = report.pipeline.stages.map((s) => `${t(`opp.stages.${s.stage}`)} ${money(s.amount)} · ${t('report.openDeals', { count: s.count })}${total.isZero() ? '' : ` · ${new Decimal(s.amount).dividedBy(total).times(100).toFixed(0)}%`}`);
  const cap = (title: string, parts: string[]) => clip(`${title}: ${parts.length ? parts.join('; ') : t('report.nothing')}`, 1000);
  return { revenueByRep: cap(charts.title.revenueByRep, reps), trend: cap(charts.title.trend, trend), pipeline: cap(`${charts.title.pipeline}, ${charts.pipelineNote}`, stages) };
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function currencySymbol(currency: string, locale: string): string {
  return new Intl.NumberFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-US', { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;
}
