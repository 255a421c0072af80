import fs from 'node:fs';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';

/** chart.js's configuration type, as chartjs-node-canvas (CommonJS) sees it. */
export type ChartConfiguration = Parameters<ChartJSNodeCanvas['renderToBuffer']>[0];

/** A CJK font shipped by Debian's fonts-noto-cjk (installed by .ci/run and the Dockerfile). */
const cjkFonts = ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.otf'];
export const chartFontFamily = "'Noto Sans CJK SC', 'Noto Sans', 'DejaVu Sans', sans-serif";

/** White reads on Slack's and Teams' light and dark themes alike; a transparent PNG does not. */
export const chartBackground = '#ffffff';

const renderers = new Map<string, ChartJSNodeCanvas>();

/**
 * One renderer per size, kept for the life of the process: a new ChartJSNodeCanvas per chart
 * leaks memory and is about twice as slow. Chinese labels need the CJK font registered first.
 */
function rendererFor(width: number, height: number): ChartJSNodeCanvas {
  const key = `${width}x${height}`;
  let renderer = renderers.get(key);
  if (!renderer) {
    renderer = new ChartJSNodeCanvas({
      width,
      height,
      backgroundColour: chartBackground,
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = chartFontFamily;
        ChartJS.defaults.color = '#1d1c1d';
        ChartJS.defaults.animation = false;
        ChartJS.defaults.responsive = false;
      },
    });
    const font = cjkFonts.find((f) => fs.existsSync(f));
    if (font) renderer.registerFont(font, { family: 'Noto Sans CJK SC' });
    renderers.set(key, renderer);
  }
  return renderer;
}

export const chartSize = { width: 900, height: 480 } as const;

/** Renders a chart.js configuration to PNG bytes. */
export function renderChart(config: ChartConfiguration, size: { width: number; height: number } = chartSize): Promise<Buffer> {
  return rendererFor(size.width, size.height).renderToBuffer(config, 'image/png');
}
