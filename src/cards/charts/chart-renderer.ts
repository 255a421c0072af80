import fs from 'node:fs';
import path from 'node:path';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';

/** chart.js's configuration type, as chartjs-node-canvas (CommonJS) sees it. */
export type ChartConfiguration = Parameters<ChartJSNodeCanvas['renderToBuffer']>[0];

export const chartFontFamily = "'Noto Sans CJK SC', 'Noto Sans', 'DejaVu Sans', sans-serif";

/**
 * The Noto Sans CJK file of Debian's fonts-noto-cjk (installed by .ci/run and the Dockerfile),
 * wherever the distribution put it; null when none is installed (Chinese then renders as boxes,
 * everything else as usual).
 */
export function findCjkFont(root = '/usr/share/fonts'): string | null {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && depth < 4) walk(full, depth + 1);
      else if (/^NotoSans(Mono)?CJK.*\.(ttc|otf)$/i.test(e.name)) files.push(full);
    }
  };
  walk(root, 0);
  const rank = (f: string) => (/NotoSansCJK-Regular\.ttc$/i.test(f) ? 0 : /NotoSansCJK(sc)?-Regular\.otf$/i.test(f) ? 1 : /Regular/i.test(f) ? 2 : 3);
  return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0] ?? null;
}

let fontFile: string | null | undefined;

/**
 * Registers the CJK font once per process, before the first chart is drawn (canvas registers
 * fonts process-wide; it is reached through chartjs-node-canvas, whose dependency it is).
 * Returns the file used, or null.
 */
function registerChartFont(renderer: ChartJSNodeCanvas): string | null {
  if (fontFile === undefined) {
    fontFile = findCjkFont();
    if (fontFile) renderer.registerFont(fontFile, { family: 'Noto Sans CJK SC' });
  }
  return fontFile;
}

/** The CJK font file the charts use (null: none installed), registering it if no chart has been drawn yet. */
export const chartFontFile = (): string | null => registerChartFont(rendererFor(chartSize.width, chartSize.height));

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
    registerChartFont(renderer);
    renderers.set(key, renderer);
  }
  return renderer;
}

export const chartSize = { width: 900, height: 480 } as const;

/** Renders a chart.js configuration to PNG bytes. */
export function renderChart(config: ChartConfiguration, size: { width: number; height: number } = chartSize): Promise<Buffer> {
  return rendererFor(size.width, size.height).renderToBuffer(config, 'image/png');
}
