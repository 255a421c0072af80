import Decimal from 'decimal.js';
import type { Forecast, ForecastLine } from '../../domain/forecasting/build-forecast';
import type { ForecastAccuracy } from '../../domain/forecasting/forecast-accuracy';
import type { ForecastFactor } from '../../domain/forecasting/forecast-factor';
import { DateTime } from 'luxon';
import { compactMoney } from '../charts/chart-format';
import type { ForecastChartModel } from '../charts/forecast-chart';
import type { Translate } from '../i18n/i18n';
import type { CardModel } from '../reply-model';
import { clip, formatMoney } from './format';

type Reader = { t: Translate; locale: string };

const money = (f: { currency: string }, locale: string) => (v: number | string) => formatMoney(new Decimal(v).toFixed(2), f.currency, locale);
const sum = (xs: number[]) => xs.reduce((a, b) => a.plus(b), new Decimal(0)).toFixed(2);

/** "+10% region East, 2027-01 – 2027-06 (new distributor)". */
export function factorText(f: ForecastFactor, t: Translate): string {
  const sign = new Decimal(f.percent).isNegative() ? '' : '+';
  const scope = f.scope === 'all' ? t('forecast.scopeAll') : `${t(`forecast.by.${f.scope}`)} ${f.scopeValue}`;
  const when = f.untilMonth ? `${f.fromMonth} – ${f.untilMonth}` : t('forecast.onwards', { month: f.fromMonth });
  return `${sign}${new Decimal(f.percent).toString()}% ${scope}, ${when}${f.note ? ` (${clip(f.note, 60)})` : ''}`;
}

const lineLabel = (l: ForecastLine, t: Translate) => (l.key === '' && l.label === '' ? t('forecast.total') : clip(l.label || t('report.unassigned'), 40));

/** The forecast as text: beside the chart, in a notification, for a screen reader. */
export function forecastSummaryLines(f: Forecast, whose: string, { t, locale }: Reader): string[] {
  const m = money(f, locale);
  const lines = [`*${t('forecast.title', { months: f.months, whose, from: f.asOf })}*${f.by === 'total' ? '' : ` · ${t(`forecast.byTitle.${f.by}`)}`}`];
  if (f.lines.length === 0) return [...lines, t('forecast.noHistory')];
  // Estimates read better rounded (¥1.2M, ¥120万) and by month name; the CSV has them to the cent.
  const est = (v: number) => compactMoney(v, f.currency, locale);
  const monthName = (ym: string) => DateTime.fromFormat(ym, 'yyyy-LL').setLocale(locale === 'zh-CN' ? 'zh-CN' : 'en-GB').toFormat(locale === 'zh-CN' ? 'M月' : 'LLL');
  for (const l of f.lines) {
    const points = l.forecast.map((p) => `${monthName(p.month)} ${est(p.point)} (${est(p.low80)}–${est(p.high80)})`).join(' · ');
    const baseline = sum(l.forecast.map((p) => p.baseline));
    const combined = sum(l.forecast.map((p) => p.point));
    const layer = baseline === combined ? '' : ` · ${t('forecast.layer', { baseline: m(baseline), combined: m(combined) })}`;
    lines.push(`*${lineLabel(l, t)}*: ${t('forecast.next', { total: m(combined) })}${layer}`, `    ${points} _${t(`forecast.models.${l.model}`)}_`);
  }
  if (f.otherKeys > 0) lines.push(t('report.andMore', { count: f.otherKeys }));
  if (f.factors.length) lines.push(`${t('forecast.factorsUsed')}: ${f.factors.map((x) => factorText(x, t)).join(' · ')}`);
  const pipe = f.pipeline.months.filter((p) => p.deals > 0).map((p) => `${monthName(p.month)} ${est(Number(p.weighted))} / ${est(Number(p.commit))} / ${est(Number(p.bestCase))}`);
  lines.push(`${t('forecast.pipeline')}: ${pipe.length ? pipe.join(' · ') : t('forecast.noPipeline')}`);
  const extra = [f.pipeline.overdue, f.pipeline.undated].map((p, i) => (p.deals ? t(i ? 'forecast.undated' : 'forecast.overdue', { count: p.deals, amount: m(p.bestCase) }) : '')).filter(Boolean);
  if (extra.length) lines.push(extra.join(' · '));
  lines.push(`_${t('forecast.footnote', { currency: f.currency })}_`);
  return lines;
}

/** One chart per line (the first three): the last two years, the forecast and its bands. */
export function forecastChartModels(f: Forecast, { t, locale }: Reader): ForecastChartModel[] {
  return f.lines.slice(0, 3).map((l) => ({
    locale,
    money: { currency: f.currency },
    title: `${t('forecast.chartTitle', { name: lineLabel(l, t) })} (${f.currency})`,
    series: { history: t('forecast.series.history'), forecast: t('forecast.series.forecast'), baseline: t('forecast.series.baseline'), band80: t('forecast.series.band80'), band95: t('forecast.series.band95') },
    axes: { revenue: t('report.chart.revenueAxis', { symbol: f.currency }), month: t('forecast.monthAxis') },
    history: l.history.slice(-24).map((h) => ({ month: h.month, value: Number(h.revenue) })),
    forecast: l.forecast.map((p) => ({ month: p.month, point: p.point, baseline: p.baseline, low80: p.low80, high80: p.high80, low95: p.low95, high95: p.high95 })),
  }));
}

export function accuracyCard(a: ForecastAccuracy, { t, locale }: Reader, currency: string): CardModel {
  if (a.months.length === 0) return { kind: 'card', text: t('forecast.noAccuracy') };
  const m = money({ currency }, locale);
  return {
    kind: 'card',
    header: t('forecast.accuracyHeader'),
    fields: [
      { label: t('forecast.mape'), value: a.mape === null ? '–' : `${a.mape}%` },
      { label: t('forecast.mase'), value: a.mase ?? '–' },
      { label: t('forecast.coverage80'), value: `${a.coverage80}%` },
      { label: t('forecast.coverage95'), value: `${a.coverage95}%` },
    ],
    sections: [{ lines: a.months.map((x) => `${x.month}: ${t('forecast.forecastVsActual', { point: m(x.point), actual: m(x.actual) })} (${m(x.low80)}–${m(x.high80)})`) }],
    context: [t('forecast.accuracyHint')],
  };
}

export function factorsCard(factors: ForecastFactor[], { t }: Reader, mayRemove: boolean): CardModel {
  if (factors.length === 0) return { kind: 'card', text: t('forecast.noFactors') };
  return {
    kind: 'card',
    header: t('forecast.factorsHeader'),
    sections: factors.map((f, i) => ({
      lines: [`${i + 1}. ${factorText(f, t)}`],
      ...(mayRemove ? { buttons: [{ label: t('forecast.remove'), action: 'forecast.factor_remove' as const, value: f.id, style: 'danger' as const, confirm: { title: t('forecast.remove'), text: factorText(f, t), ok: t('forecast.remove'), cancel: t('common.cancel') } }] } : {}),
    })),
    context: mayRemove ? [t('forecast.factorHint')] : [],
  };
}

/** One line for the monthly report: how the published forecasts did. Nothing when no month has closed since. */
export function accuracyLine(a: ForecastAccuracy, { t }: Reader): string[] {
  if (a.months.length === 0) return [];
  return [`${t('forecast.accuracyLine', { months: a.months.length, mape: a.mape ?? '–', coverage: a.coverage80 ?? '–' })}${a.mase ? ` · ${t('forecast.mase')} ${a.mase}` : ''}`];
}
