import type { ChartConfiguration } from './chart-renderer';

/** What the charts of a report show, already in the reader's language and number format. */
export type ReportChartModel = {
  title: { revenueByRep: string; trend: string; pipeline: string };
  series: { current: string; previous: string; revenue: string; visits: string };
  byRep: Array<{ label: string; current: number; previous: number }>;
  trend: Array<{ label: string; revenue: number; visits: number }>;
  pipeline: Array<{ label: string; amount: number }>;
};

// Readable on white, distinct for colour-blind readers (Okabe–Ito).
const palette = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const grid = { color: '#e8e8e8' };

export function revenueByRepChart(m: ReportChartModel): ChartConfiguration {
  const top = m.byRep.slice(0, 12);
  return {
    type: 'bar',
    data: {
      labels: top.map((r) => r.label),
      datasets: [
        { label: m.series.current, data: top.map((r) => r.current), backgroundColor: palette[0] },
        { label: m.series.previous, data: top.map((r) => r.previous), backgroundColor: '#a6c8e0' },
      ],
    },
    options: { plugins: { title: { display: true, text: m.title.revenueByRep, font: { size: 18 } } }, scales: { y: { beginAtZero: true, grid }, x: { grid } } },
  };
}

export function trendChart(m: ReportChartModel): ChartConfiguration {
  return {
    type: 'line',
    data: {
      labels: m.trend.map((p) => p.label),
      datasets: [
        { label: m.series.revenue, data: m.trend.map((p) => p.revenue), borderColor: palette[0], backgroundColor: palette[0], yAxisID: 'y', tension: 0.2 },
        { label: m.series.visits, data: m.trend.map((p) => p.visits), borderColor: palette[1], backgroundColor: palette[1], yAxisID: 'y1', tension: 0.2 },
      ],
    },
    options: {
      plugins: { title: { display: true, text: m.title.trend, font: { size: 18 } } },
      scales: { y: { beginAtZero: true, position: 'left', grid }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } }, x: { grid } },
    },
  };
}

export function pipelineChart(m: ReportChartModel): ChartConfiguration {
  return {
    type: 'doughnut',
    data: {
      labels: m.pipeline.map((s) => s.label),
      datasets: [{ data: m.pipeline.map((s) => s.amount), backgroundColor: m.pipeline.map((_, i) => palette[i % palette.length]!), borderColor: '#ffffff' }],
    },
    options: { plugins: { title: { display: true, text: m.title.pipeline, font: { size: 18 } }, legend: { position: 'right' } } },
  };
}
