import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from 'canvas';
import { chartSize, renderChart } from '../../../src/cards/charts/chart-renderer';
import { forecastChart, type ForecastChartModel } from '../../../src/cards/charts/forecast-chart';

// Kept for a person to look at, like the report charts.
const artifacts = path.join(__dirname, '../../../test-artifacts/charts');

const model = (locale: 'en' | 'zh-CN', factors: boolean): ForecastChartModel => ({
  locale,
  money: { currency: locale === 'zh-CN' ? 'CNY' : 'USD' },
  title: locale === 'zh-CN' ? '预测：华东（CNY）' : 'Forecast: Total (USD)',
  series: locale === 'zh-CN' ? { history: '已赢单', forecast: '预测', baseline: '统计预测', band80: '80% 区间', band95: '95% 区间' } : { history: 'Won', forecast: 'Forecast', baseline: 'Statistical forecast', band80: '80 % range', band95: '95 % range' },
  axes: { revenue: locale === 'zh-CN' ? '收入（¥）' : 'Revenue ($)', month: locale === 'zh-CN' ? '月份' : 'Month' },
  history: Array.from({ length: 24 }, (_, i) => ({ month: `${2025 + Math.floor((i + 0) / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, value: 1_000_000 + 20_000 * i + 300_000 * Math.sin((2 * Math.PI * i) / 12) })),
  forecast: Array.from({ length: 6 }, (_, i) => {
    const baseline = 1_500_000 + 300_000 * Math.sin((2 * Math.PI * (24 + i)) / 12);
    const point = factors && i >= 1 ? baseline * 1.1 : baseline;
    return { month: `2027-${String(i + 1).padStart(2, '0')}`, point, baseline, low80: point * 0.8, high80: point * 1.2, low95: point * 0.65, high95: point * 1.35 };
  }),
});

test.each([
  ['en', false],
  ['zh-CN', true],
] as const)('%s forecast chart (market factors: %s): opaque, the expected size, the money axis in the currency, the bands drawn', async (locale, factors) => {
  const config = forecastChart(model(locale, factors));
  const png = await renderChart(config);
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `forecast-${locale}.png`), png);
  const image = await loadImage(png);
  expect([image.width, image.height]).toEqual([chartSize.width, chartSize.height]);
  const g = createCanvas(image.width, image.height).getContext('2d');
  g.drawImage(image, 0, 0);
  const data = g.getImageData(0, 0, image.width, image.height).data;
  let transparent = 0;
  let bandPixels = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] !== 255) transparent++;
    // The bands are a pale orange over white.
    if (data[i]! > 220 && data[i + 1]! > 180 && data[i + 1]! < 235 && data[i + 2]! < 215) bandPixels++;
  }
  expect(transparent).toBe(0);
  expect(bandPixels).toBeGreaterThan(2000);
  const tick = (config.options as { scales: { y: { ticks: { callback: (v: number) => string } } } }).scales.y.ticks.callback(1_500_000);
  expect(tick).toBe(locale === 'zh-CN' ? '¥150万' : '$1.5M');
  const labels = (config.data.datasets as Array<{ label: string }>).map((d) => d.label);
  expect(labels.some((l) => /Statistical|统计/.test(l))).toBe(factors);
});
