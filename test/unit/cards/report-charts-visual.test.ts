import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from 'canvas';
import { chartSize, renderChart, type ChartConfiguration } from '../../../src/cards/charts/chart-renderer';
import { pipelineChart, revenueByRepChart, trendChart, type ReportChartModel } from '../../../src/cards/charts/report-charts';

// The PNGs are kept for a person to look at (fonts, overlaps, cut labels); tests cannot judge that.
const artifacts = path.join(__dirname, '../../../test-artifacts/charts');

const zh: ReportChartModel = {
  locale: 'zh-CN',
  money: { currency: 'CNY' },
  title: { revenueByRep: '各销售赢单收入（CNY）', trend: '最近 12 期收入与拜访（月报）', pipeline: '各阶段在途商机（CNY）' },
  series: { current: '本期', previous: '上期', revenue: '收入', visits: '拜访' },
  axes: { revenue: '收入（¥）', visits: '拜访（次）', rep: '销售', period: '月份' },
  byRep: [
    ['张伟', 1_860_000, 1_420_000],
    ['李娜', 1_275_000, 1_510_000],
    ['王芳', 980_000, 720_000],
    ['刘洋', 640_000, 810_000],
    ['陈静', 455_000, 300_000],
    ['欧阳建国', 212_000, 95_000],
    ['未分配', 38_000, 0],
  ].map(([label, current, previous]) => ({ label: String(label), current: Number(current), previous: Number(previous) })),
  trend: Array.from({ length: 12 }, (_, i) => ({
    label: `${i === 0 ? 2025 : 2026}-${String(i === 0 ? 12 : i).padStart(2, '0')}`,
    revenue: [2.1, 2.6, 1.9, 3.2, 3.8, 3.1, 4.4, 4.0, 5.2, 4.7, 5.6, 1.8][i]! * 1_000_000,
    visits: [38, 42, 30, 51, 57, 49, 63, 60, 71, 66, 74, 22][i]!,
    partial: i === 11,
  })),
  pipeline: [
    { label: '初步接触', amount: 3_450_000, count: 23 },
    { label: '方案', amount: 2_180_000, count: 11 },
    { label: '报价', amount: 1_260_000, count: 6 },
    { label: '谈判', amount: 0, count: 0 },
  ],
  pipelineNote: '截至 2026年11月30日',
};

const en: ReportChartModel = {
  locale: 'en',
  money: { currency: 'USD' },
  title: { revenueByRep: 'Revenue won by rep (USD)', trend: 'Revenue and visits, last 12 periods (daily)', pipeline: 'Open pipeline by stage (USD)' },
  series: { current: 'This period', previous: 'Previous period', revenue: 'Revenue', visits: 'Visits' },
  axes: { revenue: 'Revenue ($)', visits: 'Visits', rep: 'Rep', period: 'Day' },
  byRep: [
    ['Amy East', 184_500, 151_000],
    ['Bartholomew Richardson-Smythe', 162_000, 170_250],
    ['Chen Wei', 97_300, 60_000],
    ['Dana Scully', 45_800, 52_100],
    ['Eve Moneypenny', 12_400, 8_000],
    ['Frank Ocean', 9_900, 14_000],
    ['Grace Hopper', 8_700, 0],
    ['Heinrich von Hohenzollern-Sigmaringen', 7_500, 6_000],
    ['Ivy Lin', 6_200, 9_000],
    ['Jamal Okafor', 4_100, 3_300],
    ['Kim Min-jun', 3_800, 2_000],
    ['unassigned', 3_000, 0],
  ].map(([label, current, previous]) => ({ label: String(label), current: Number(current), previous: Number(previous) })),
  trend: Array.from({ length: 12 }, (_, i) => ({
    label: `2026-11-${String(19 + i).padStart(2, '0')}`,
    revenue: [8.2, 12.5, 0, 15.1, 9.9, 21.4, 18.0, 4.2, 25.3, 19.8, 30.6, 6.1][i]! * 1_000,
    visits: [4, 7, 1, 9, 6, 11, 8, 2, 12, 9, 14, 3][i]!,
    partial: i === 11,
  })),
  pipeline: [
    { label: 'Initial contact', amount: 412_000, count: 18 },
    { label: 'Solution', amount: 286_500, count: 9 },
    { label: 'Quote', amount: 121_000, count: 4 },
    { label: 'Negotiation', amount: 1_250_000, count: 1 },
  ],
  pipelineNote: 'now',
};

type Drawn = { ticks: Record<string, string[]>; legend: string[] };

/** Renders with a plugin that reads back what chart.js actually drew: tick labels per scale, legend lines. */
async function render(config: ChartConfiguration): Promise<{ png: Buffer } & Drawn> {
  const drawn: Drawn = { ticks: {}, legend: [] };
  const capture = {
    id: 'capture',
    afterRender(chart: { scales: Record<string, { ticks: Array<{ label: unknown }> }>; legend?: { legendItems?: Array<{ text: string }> } }) {
      for (const [id, scale] of Object.entries(chart.scales)) drawn.ticks[id] = scale.ticks.map((t) => String(t.label));
      drawn.legend = (chart.legend?.legendItems ?? []).map((i) => i.text);
    },
  };
  const png = await renderChart({ ...config, plugins: [...(config.plugins ?? []), capture] } as ChartConfiguration);
  return { png, ...drawn };
}

async function imageOf(png: Buffer) {
  const image = await loadImage(png);
  const g = createCanvas(image.width, image.height).getContext('2d');
  g.drawImage(image, 0, 0);
  const { data } = g.getImageData(0, 0, image.width, image.height);
  let transparent = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) transparent++;
  return { width: image.width, height: image.height, transparent };
}

beforeAll(() => fs.mkdirSync(artifacts, { recursive: true }));

describe.each([
  ['zh-CN', zh, { symbol: '¥', unit: '万', deals: ' 个' }],
  ['en', en, { symbol: '$', unit: 'K', deals: ' deals' }],
] as const)('%s', (locale, m, expected) => {
  test.each([
    ['revenue-by-rep', revenueByRepChart],
    ['trend', trendChart],
    ['pipeline', pipelineChart],
  ] as const)('%s: an opaque 900×480 PNG, kept for review', async (chart, build) => {
    const { png } = await render(build(m));
    fs.writeFileSync(path.join(artifacts, `${chart}-${locale}.png`), png);
    expect(await imageOf(png)).toEqual({ width: chartSize.width, height: chartSize.height, transparent: 0 });
  });

  test('money axes tick in the currency and the reader\'s units', async () => {
    for (const build of [revenueByRepChart, trendChart]) {
      const { ticks } = await render(build(m));
      expect(ticks.y!.length).toBeGreaterThan(2);
      expect(ticks.y!.slice(1).every((t) => t.startsWith(expected.symbol))).toBe(true);
      expect(ticks.y!.some((t) => t.includes(expected.unit))).toBe(true);
    }
  });

  test('trend: visits tick in whole numbers; the running period is marked', async () => {
    const { ticks } = await render(trendChart(m));
    expect(ticks.y1!.every((t) => /^\d+$/.test(t))).toBe(true);
    expect(ticks.x!.at(-1)).toMatch(/ \*$/);
    expect(ticks.x!.filter((t) => t.endsWith('*'))).toHaveLength(1);
  });

  test('doughnut legend: every stage with money, deals and a share; shares add up to about 100%', async () => {
    const { legend } = await render(pipelineChart(m));
    expect(legend).toHaveLength(m.pipeline.length);
    legend.forEach((text, i) => {
      expect(text.startsWith(`${m.pipeline[i]!.label} · ${expected.symbol}`)).toBe(true);
      expect(text).toContain(`${m.pipeline[i]!.count}${m.pipeline[i]!.count === 1 && locale === 'en' ? ' deal' : expected.deals}`);
    });
    const shares = legend.map((text) => Number(/(\d+)%$/.exec(text)?.[1]));
    expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(2);
  });
});
