import type { Forecast } from '../../domain/forecasting/build-forecast';

const header = ['key', 'month', 'kind', 'value', 'low80', 'high80', 'low95', 'high95', 'baseline', 'factor', 'model'];

/** A CSV cell: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is defused for spreadsheets. */
function cell(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@]/.test(s) && Number.isNaN(Number(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The forecast for planners: per key, every past month as `actual` and the next months as
 * `forecast` with the intervals, the statistical baseline and the factor multiplier.
 */
export function forecastCsv(f: Forecast): string {
  const rows: Array<Array<string | number>> = [header];
  for (const l of f.lines) {
    for (const h of l.history) rows.push([l.key, h.month, 'actual', h.revenue, '', '', '', '', '', '', '']);
    for (const p of l.forecast) rows.push([l.key, p.month, 'forecast', p.point.toFixed(2), p.low80.toFixed(2), p.high80.toFixed(2), p.low95.toFixed(2), p.high95.toFixed(2), p.baseline.toFixed(2), p.factor, l.model]);
  }
  return `${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}
