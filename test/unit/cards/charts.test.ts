import { createCanvas, loadImage } from 'canvas';
import { chartFontFamily, chartFontFile, chartSize, findCjkFont, renderChart } from '../../../src/cards/charts/chart-renderer';
import { pipelineChart, revenueByRepChart, trendChart, type ReportChartModel } from '../../../src/cards/charts/report-charts';

const model = (names: string[]): ReportChartModel => ({
  title: { revenueByRep: '按销售代表的收入', trend: '最近 12 期趋势', pipeline: '各阶段商机' },
  series: { current: '本期', previous: '上期', revenue: '收入', visits: '拜访' },
  byRep: names.map((label, i) => ({ label, current: 1000 * (i + 1), previous: 800 * (i + 1) })),
  trend: Array.from({ length: 12 }, (_, i) => ({ label: `2026-W${i + 37}`, revenue: 500 * i, visits: 3 * i })),
  pipeline: [
    { label: '初步接触', amount: 30000 },
    { label: '方案', amount: 20000 },
    { label: '报价', amount: 12000 },
    { label: '谈判', amount: 8000 },
  ],
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
