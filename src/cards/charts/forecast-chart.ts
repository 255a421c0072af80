import { compactMoney } from './chart-format';
import type { ChartConfiguration } from './chart-renderer';

/** What a forecast chart shows, already in the reader's language. */
export type ForecastChartModel = {
  locale: string;
  money: { currency: string };
  title: string;
  series: { history: string; forecast: string; baseline: string; band80: string; band95: string };
  axes: { revenue: string; month: string };
  history: Array<{ month: string; value: number }>;
  forecast: Array<{ month: string; point: number; baseline: number; low80: number; high80: number; low95: number; high95: number }>;
};

const ink = '#1d1c1d';
const historyColour = '#0072B2';
const forecastColour = '#B35000';
const grid = { color: '#e8e8e8' };

/**
 * History as a solid line, the forecast dashed after it with its 95 % and 80 % bands (filled
 * between their lower and upper lines), and the statistical baseline dotted where market factors
 * move the forecast away from it.
 */
export function forecastChart(m: ForecastChartModel): ChartConfiguration {
  const labels = [...m.history.map((h) => h.month), ...m.forecast.map((f) => f.month)];
  const gap = m.history.map(() => null);
  // The forecast lines start at the last known month so they join the history.
  const last = m.history.at(-1);
  const joined = (pick: (f: ForecastChartModel['forecast'][number]) => number) => [...gap.slice(0, -1), last ? last.value : null, ...m.forecast.map(pick)];
  const differs = m.forecast.some((f) => Math.abs(f.point - f.baseline) > 0.005);
  const band = (label: string, low: (f: ForecastChartModel['forecast'][number]) => number, high: (f: ForecastChartModel['forecast'][number]) => number, colour: string) => [
    { label, data: joined(high), borderColor: 'transparent', backgroundColor: colour, pointRadius: 0, fill: '+1', order: 3 },
    { label: `${label} `, data: joined(low), borderColor: 'transparent', backgroundColor: colour, pointRadius: 0, fill: false, order: 3 },
  ];
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: m.series.history, data: [...m.history.map((h) => h.value), ...m.forecast.map(() => null)], borderColor: historyColour, backgroundColor: historyColour, pointRadius: 2, order: 1 },
        { label: m.series.forecast, data: joined((f) => f.point), borderColor: forecastColour, backgroundColor: forecastColour, borderDash: [6, 4], pointRadius: 3, order: 1 },
        ...(differs ? [{ label: m.series.baseline, data: joined((f) => f.baseline), borderColor: '#6b6b6b', backgroundColor: '#6b6b6b', borderDash: [2, 3], pointRadius: 0, order: 2 }] : []),
        ...band(m.series.band95, (f) => f.low95, (f) => f.high95, 'rgba(179, 80, 0, 0.12)'),
        ...band(m.series.band80, (f) => f.low80, (f) => f.high80, 'rgba(179, 80, 0, 0.22)'),
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: m.title, color: ink, font: { size: 18 } },
        // The lower edge of each band has a label ending in a space: it is not listed.
        legend: { labels: { color: ink, filter: (item: { text: string }) => !item.text.endsWith(' ') } },
      },
      scales: {
        y: { beginAtZero: true, grid, title: { display: true, text: m.axes.revenue, color: ink }, ticks: { color: ink, callback: (v: number | string) => compactMoney(Number(v), m.money.currency, m.locale) } },
        x: { grid, title: { display: true, text: m.axes.month, color: ink }, ticks: { color: ink } },
      },
    },
  } as ChartConfiguration;
}
