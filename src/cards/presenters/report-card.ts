import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import type { Figure, KpiReport } from '../../domain/reports/build-kpi-report';
import type { ReportChartModel } from '../charts/report-charts';
import type { Translate } from '../i18n/i18n';
import { clip, formatMoney } from './format';

type Reader = { t: Translate; locale: string };

const arrow = (f: Figure) => (f.changePercent === null ? '' : Number(f.changePercent) > 0 ? ` ▲ ${f.changePercent}%` : Number(f.changePercent) < 0 ? ` ▼ ${f.changePercent.replace('-', '')}%` : ' ＝');
const count = (f: Figure, locale: string) => new Intl.NumberFormat(locale).format(Number(f.current));

/** The dates a report covers, as the reader writes them. */
export function periodRange(report: KpiReport, locale: string): string {
  const start = DateTime.fromJSDate(report.window.start, { zone: report.timezone });
  const last = DateTime.fromJSDate(report.window.end, { zone: report.timezone }).minus({ days: 1 });
  const fmt = (d: DateTime) => (locale === 'zh-CN' ? d.setLocale('zh-CN').toFormat('yyyy年M月d日') : d.setLocale('en-GB').toFormat('d LLL yyyy'));
  return start.hasSame(last, 'day') ? fmt(start) : `${fmt(start)} – ${fmt(last)}`;
}

/** The key numbers posted beside the charts (Slack mrkdwn; the Teams card reuses the lines). */
export function reportSummaryLines(report: KpiReport, whose: string, { t, locale }: Reader): string[] {
  const money = (amount: string) => formatMoney(amount, report.currency, locale);
  const openDeals = report.pipeline.reduce((n, s) => n + s.count, 0);
  const pipelineTotal = report.pipeline.reduce((sum, s) => sum.plus(s.amount), new Decimal(0)).toFixed(2);
  const top = (rows: KpiReport['byRep'], n: number) =>
    rows
      .filter((r) => Number(r.revenue.current) > 0)
      .slice(0, n)
      .map((r) => `${clip(r.label || t('report.unassigned'), 40)} ${money(r.revenue.current)}${arrow(r.revenue)}`)
      .join(' · ');
  const lines = [
    `*${t('report.title', { period: t(`report.periods.${report.window.period}`), whose, label: report.window.label })}* (${periodRange(report, locale)})`,
    `${t('report.revenue')}: *${money(report.revenueWon.current)}*${arrow(report.revenueWon)} (${t('report.previous')} ${money(report.revenueWon.previous)})`,
    `${t('report.deals')}: *${count(report.dealsWon, locale)}* / ${count(report.dealsLost, locale)} · ${t('report.conversion')} *${report.conversionRate.current}%*${arrow(report.conversionRate)}`,
    `${t('report.visits')}: *${count(report.visits, locale)}*${arrow(report.visits)} · ${t('report.newCustomers')}: *${count(report.newCustomers, locale)}*${arrow(report.newCustomers)}`,
    `${t('report.pipeline')}: *${money(pipelineTotal)}* · ${t('report.openDeals', { count: openDeals })}`,
  ];
  const reps = top(report.byRep, 3);
  if (reps) lines.push(`${t('report.topReps')}: ${reps}`);
  const regions = top(report.byRegion, 3);
  if (regions && report.byRegion.some((r) => r.key)) lines.push(`${t('report.topRegions')}: ${regions}`);
  const products = top(report.byProduct, 3);
  if (products) lines.push(`${t('report.topProducts')}: ${products}`);
  if (report.otherCurrencies.length) lines.push(`${t('report.otherCurrencies')}: ${report.otherCurrencies.map((c) => formatMoney(c.revenue, c.currency, locale)).join(' · ')}`);
  return lines;
}

/** The numbers the charts draw: floats are fine here, they only decide pixel heights. */
export function reportChartModel(report: KpiReport, { t }: Reader): ReportChartModel {
  const period = t(`report.periods.${report.window.period}`);
  return {
    title: {
      revenueByRep: t('report.chart.revenueByRep', { currency: report.currency }),
      trend: t('report.chart.trend', { period }),
      pipeline: t('report.chart.pipeline', { currency: report.currency }),
    },
    series: { current: t('report.chart.current'), previous: t('report.chart.previous'), revenue: t('report.revenue'), visits: t('report.visits') },
    byRep: report.byRep.map((r) => ({ label: clip(r.label, 24), current: Number(r.revenue.current), previous: Number(r.revenue.previous) })),
    trend: report.trend.map((p) => ({ label: p.label, revenue: Number(p.revenue), visits: p.visits })),
    pipeline: report.pipeline.map((s) => ({ label: t(`opp.stages.${s.stage}`), amount: Number(s.amount) })),
  };
}
