import type { LegendItem, ScriptableLineSegmentContext } from 'chart.js' with { 'resolution-mode': 'import' };
import { compactMoney, dealCount, wholePercent, wrapWords } from './chart-format';
import type { ChartConfiguration } from './chart-renderer';

/**
 * What the charts of a report show, already in the reader's language. Money is in `money.currency`
 * (ISO code); axes and labels format it the reader's way (zh-CN: ¥ and 万/亿; en: $ and k/M).
 */
export type ReportChartModel = {
  locale: string;
  money: { currency: string };
  title: { revenueByRep: string; trend: string; pipeline: string };
  series: { current: string; previous: string; revenue: string; visits: string };
  /** Axis titles: the money axis names its currency ("Revenue (¥)"), the count axis what it counts. */
  axes: { revenue: string; visits: string; rep: string; period: string };
  byRep: Array<{ label: string; current: number; previous: number }>;
  /** Oldest first; `partial`: the period is not over yet (to date), drawn as such. */
  trend: Array<{ label: string; revenue: number; visits: number; partial?: boolean }>;
  /** Open deals in the tenant's currency per stage: amount and count (shares are worked out by the chart). */
  pipeline: Array<{ label: string; amount: number; count: number }>;
  /** Under the doughnut's title: "now" or "at 30 Nov 2026". */
  pipelineNote?: string;
};

// Readable on white, distinct for colour-blind readers (Okabe–Ito).
const palette = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const grid = { color: '#e8e8e8' };
// Text sits on the PNG's white whatever the chat theme: near-black, and line colours dark enough
// for small text (WCAG AA, 4.5:1). Okabe–Ito's orange is too light for ticks, so visits use a darker one.
const ink = '#1d1c1d';
const revenueColour = palette[0];
const visitsColour = '#B35000';

const chartTitle = (text: string) => ({ display: true, text, color: ink, font: { size: 18 } });
const axisTitle = (text: string, color = ink) => ({ display: true, text, color, font: { size: 13, weight: 'bold' as const } });
const moneyTicks = (m: ReportChartModel, color = ink) => ({ color, callback: (value: number | string) => compactMoney(Number(value), m.money.currency, m.locale) });

export function revenueByRepChart(m: ReportChartModel): ChartConfiguration {
  const top = m.byRep.slice(0, 12);
  return {
    type: 'bar',
    data: {
      labels: top.map((r) => wrapWords(r.label, 14)),
      datasets: [
        { label: m.series.current, data: top.map((r) => r.current), backgroundColor: palette[0] },
        { label: m.series.previous, data: top.map((r) => r.previous), backgroundColor: '#a6c8e0' },
      ],
    },
    options: {
      plugins: { title: chartTitle(m.title.revenueByRep), legend: { labels: { color: ink } } },
      scales: {
        y: { beginAtZero: true, grid, title: axisTitle(m.axes.revenue), ticks: moneyTicks(m) },
        x: { grid, title: axisTitle(m.axes.rep), ticks: { color: ink } },
      },
    },
  };
}

type TrendPoint = ReportChartModel['trend'][number];

/** A period still running reads as "so far": its label is marked, the line to it dashed, its point hollow. */
const trendLabel = (p: TrendPoint) => (p.partial ? `${p.label} *` : p.label);
const dashedToPartial = (trend: TrendPoint[]) => (ctx: ScriptableLineSegmentContext) => (trend[ctx.p1DataIndex]?.partial ? [6, 4] : undefined);

function trendLine(trend: TrendPoint[], label: string, values: number[], colour: string, yAxisID: string) {
  return {
    label,
    data: values,
    yAxisID,
    borderColor: colour,
    backgroundColor: colour,
    pointBorderColor: colour,
    pointBackgroundColor: trend.map((p) => (p.partial ? '#ffffff' : colour)),
    pointRadius: trend.map((p) => (p.partial ? 5 : 3)),
    pointBorderWidth: 2,
    segment: { borderDash: dashedToPartial(trend) },
    // Plain splines overshoot: a week with no revenue would dip below zero.
    cubicInterpolationMode: 'monotone' as const,
  };
}

export function trendChart(m: ReportChartModel): ChartConfiguration {
  return {
    type: 'line',
    data: {
      labels: m.trend.map(trendLabel),
      datasets: [
        trendLine(m.trend, m.series.revenue, m.trend.map((p) => p.revenue), revenueColour, 'y'),
        trendLine(m.trend, m.series.visits, m.trend.map((p) => p.visits), visitsColour, 'y1'),
      ],
    },
    options: {
      plugins: { title: chartTitle(m.title.trend), legend: { labels: { color: ink } } },
      scales: {
        y: { beginAtZero: true, position: 'left', grid, title: axisTitle(m.axes.revenue, revenueColour), ticks: moneyTicks(m, revenueColour) },
        y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: axisTitle(m.axes.visits, visitsColour), ticks: { color: visitsColour, precision: 0 } },
        x: { grid, title: axisTitle(m.axes.period), ticks: { color: ink } },
      },
    },
  };
}

/** Colour per stage by its place in the model, so a stage keeps its colour when another is empty. */
const stageColour = (i: number) => palette[i % palette.length]!;

/** One line per stage, empty ones too (they draw no slice): "Quote · $120K · 4 deals · 23%". */
export function pipelineLegend(m: ReportChartModel): LegendItem[] {
  const total = m.pipeline.reduce((sum, s) => sum + Math.max(s.amount, 0), 0);
  return m.pipeline.map((s, i) => ({
    text: [s.label, compactMoney(s.amount, m.money.currency, m.locale), dealCount(s.count, m.locale), wholePercent(s.amount, total, m.locale)].join(' · '),
    fillStyle: stageColour(i),
    strokeStyle: stageColour(i),
    lineWidth: 0,
    fontColor: ink,
    hidden: false,
  }));
}

export function pipelineChart(m: ReportChartModel): ChartConfiguration {
  const slices = m.pipeline.map((s, i) => ({ ...s, colour: stageColour(i) })).filter((s) => s.amount > 0);
  return {
    type: 'doughnut',
    data: {
      labels: slices.map((s) => s.label),
      datasets: [{ data: slices.map((s) => s.amount), backgroundColor: slices.map((s) => s.colour), borderColor: '#ffffff' }],
    },
    options: {
      plugins: {
        title: chartTitle(m.title.pipeline),
        subtitle: { display: Boolean(m.pipelineNote), text: m.pipelineNote ?? '', color: ink, font: { size: 13 } },
        legend: { position: 'right', labels: { color: ink, generateLabels: () => pipelineLegend(m) } },
      },
    },
  };
}
