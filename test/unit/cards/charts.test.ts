import { createCanvas, loadImage } from 'canvas';
import { chartFontFamily, chartFontFile, chartSize, findCjkFont, renderChart } from '../../../src/cards/charts/chart-renderer';
import { compactMoney, dealCount, wholePercent } from '../../../src/cards/charts/chart-format';
import { pipelineChart, pipelineLegend, revenueByRepChart, trendChart, type ReportChartModel } from '../../../src/cards/charts/report-charts';

const model = (names: string[]): ReportChartModel => ({
  locale: 'zh-CN',
  money: { currency: 'CNY' },
  title: { revenueByRep: '按销售代表的收入', trend: '最近 12 期趋势', pipeline: '各阶段商机' },
  series: { current: '本期', previous: '上期', revenue: '收入', visits: '拜访' },
  axes: { revenue: '收入（¥）', visits: '拜访次数', rep: '销售', period: '周' },
  byRep: names.map((label, i) => ({ label, current: 1000 * (i + 1), previous: 800 * (i + 1) })),
  trend: Array.from({ length: 12 }, (_, i) => ({ label: `2026-W${i + 37}`, revenue: 500 * i, visits: 3 * i, partial: i === 11 })),
  pipeline: [
    { label: '初步接触', amount: 30000, count: 6 },
    { label: '方案', amount: 20000, count: 4 },
    { label: '报价', amount: 12000, count: 3 },
    { label: '谈判', amount: 8000, count: 1 },
  ],
  pipelineNote: '截至 2026年11月30日',
});

describe('compactMoney', () => {
  test.each([
    [0, '¥0', '$0'],
    [950, '¥950', '$950'],
    [12_000, '¥1.2万', '$12K'],
    [1_250_000, '¥125万', '$1.25M'],
    [123_456_789, '¥1.23亿', '$123M'],
    [-12_000, '-¥1.2万', '-$12K'],
  ])('%d: zh-CN CNY %s, en USD %s', (value, zh, en) => {
    expect(compactMoney(value, 'CNY', 'zh-CN')).toBe(zh);
    expect(compactMoney(value, 'USD', 'en')).toBe(en);
  });

  test('the symbol is the currency\'s, not the locale\'s', () => {
    expect(compactMoney(3_400_000, 'EUR', 'en')).toBe('€3.4M');
    expect(compactMoney(120_000, 'CNY', 'en')).toBe('¥120K');
    expect(compactMoney(1_200_000, 'USD', 'zh-CN')).toBe('$120万');
    expect(compactMoney(2_500_000_000, 'USD', 'en')).toBe('$2.5B');
  });
});

test('deal counts and shares in the reader\'s words', () => {
  expect([dealCount(1, 'en'), dealCount(12, 'en'), dealCount(12, 'zh-CN')]).toEqual(['1 deal', '12 deals', '12 个']);
  expect([wholePercent(1, 3, 'en'), wholePercent(0, 0, 'zh-CN')]).toEqual(['33%', '0%']);
});

test('doughnut: empty stages are listed but draw no slice; the note is the subtitle', () => {
  const m = { ...model([]), pipeline: [...model([]).pipeline, { label: '待定', amount: 0, count: 0 }] };
  const config = pipelineChart(m);
  expect(config.data.datasets[0]!.data).toEqual([30000, 20000, 12000, 8000]);
  expect(pipelineLegend(m).map((i) => i.text)).toEqual([
    '初步接触 · ¥3万 · 6 个 · 43%',
    '方案 · ¥2万 · 4 个 · 29%',
    '报价 · ¥1.2万 · 3 个 · 17%',
    '谈判 · ¥8000 · 1 个 · 11%',
    '待定 · ¥0 · 0 个 · 0%',
  ]);
  expect(config.options?.plugins?.subtitle).toMatchObject({ display: true, text: '截至 2026年11月30日' });
});

test('trend: the running period is marked, dashed and hollow', () => {
  const config = trendChart(model([]));
  expect(config.data.labels?.at(-1)).toBe('2026-W48 *');
  expect(config.data.labels?.at(-2)).toBe('2026-W47');
  const revenue = config.data.datasets[0] as unknown as { pointBackgroundColor: string[]; segment: { borderDash: (ctx: { p1DataIndex: number }) => number[] | undefined } };
  expect(revenue.pointBackgroundColor.at(-1)).toBe('#ffffff');
  expect(revenue.segment.borderDash({ p1DataIndex: 11 })).toEqual([6, 4]);
  expect(revenue.segment.borderDash({ p1DataIndex: 10 })).toBeUndefined();
});

/** WCAG 2 contrast of a #rrggbb colour against white. */
const contrastOnWhite = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 1.05 / (0.2126 * r! + 0.7152 * g! + 0.0722 * b! + 0.05);
};

/** Every text colour a config sets (grid lines are not text), with where it is set. */
const textColours = (node: unknown, at = ''): Array<[string, string]> =>
  node && typeof node === 'object'
    ? Object.entries(node).flatMap(([k, v]) =>
        k === 'grid' ? [] : (k === 'color' || k === 'fontColor') && typeof v === 'string' ? [[`${at}.${k}`, v] as [string, string]] : textColours(v, `${at}.${k}`),
      )
    : [];

test.each([
  ['bar', revenueByRepChart],
  ['line', trendChart],
  ['doughnut', pipelineChart],
] as const)('%s chart: all text is dark enough to read on the white PNG (WCAG AA, 4.5:1)', (_name, build) => {
  const m = model(['张伟']);
  const config = build(m);
  const colours = [...textColours(config.options), ...pipelineLegend(m).map((i) => ['legend', String(i.fontColor)] as [string, string])];
  expect(colours.length).toBeGreaterThan(3);
  for (const [where, colour] of colours) expect({ where, contrast: contrastOnWhite(colour) >= 4.5 }).toEqual({ where, contrast: true });
});

async function pixels(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  return { image, data: g.getImageData(0, 0, image.width, image.height).data };
}

test.each([
  ['bar', revenueByRepChart],
  ['line', trendChart],
  ['doughnut', pipelineChart],
] as const)('%s chart: a PNG of the expected size, opaque, not blank', async (_name, build) => {
  const png = await renderChart(build(model(['张伟', '李娜', 'Amy East'])));
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  const { image, data } = await pixels(png);
  expect([image.width, image.height]).toEqual([chartSize.width, chartSize.height]);
  let transparent = 0;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] !== 255) transparent++;
    colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  }
  expect(transparent).toBe(0);
  expect(colours.size).toBeGreaterThan(20);
});

test('Chinese labels render as glyphs, not as empty boxes', () => {
  expect(chartFontFile()).toMatch(/NotoSansCJK.*\.(ttc|otf)$/);
  // A missing glyph is drawn as a box as tall as the line; "一" is one thin horizontal stroke.
  // So a few inked rows mean the CJK font drew it, and a box (here for U+FFFF) shows the check can fail.
  const canvas = createCanvas(200, 80);
  const g = canvas.getContext('2d');
  g.font = `48px ${chartFontFamily}`;
  const inkedRows = (text: string) => {
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 200, 80);
    g.fillStyle = '#000';
    g.fillText(text, 10, 60);
    const data = g.getImageData(0, 0, 200, 80).data;
    let rows = 0;
    for (let y = 0; y < 80; y++) {
      for (let x = 0; x < 200; x++) {
        if (data[(y * 200 + x) * 4]! < 128) {
          rows++;
          break;
        }
      }
    }
    return rows;
  };
  expect(inkedRows('\uFFFF')).toBeGreaterThan(30);
  expect(inkedRows('一')).toBeLessThan(10);
  expect(inkedRows('收入')).toBeGreaterThan(30);
  expect(g.measureText('收入趋势').width).toBe(4 * 48); // full-width glyphs, one em each
});

test('font discovery: a directory without a CJK font gives none (charts then use the default fonts)', () => {
  expect(findCjkFont('/nonexistent-font-dir')).toBeNull();
});

test('the renderer is reused: many charts do not grow memory without bound', async () => {
  const config = revenueByRepChart(model(['A', 'B']));
  for (let i = 0; i < 5; i++) await renderChart(config);
  global.gc?.();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 40; i++) await renderChart(config);
  global.gc?.();
  expect(process.memoryUsage().rss - before).toBeLessThan(80 * 1024 * 1024);
});
