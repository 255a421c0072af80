import fs from 'node:fs';
import { forecastCsv } from '../cards/presenters/forecast-csv';
import { buildForecast } from '../domain/forecasting/build-forecast';
import { forecastDimensions, type ForecastDimension } from '../domain/forecasting/forecast-series';
import { systemActor } from '../domain/shared/actor';
import type { CommandContext } from './context';
import { CliError } from './errors';
import { resolveTenant } from './resolve-tenant';

export type ExportForecastOptions = { tenant?: string; by?: string; months?: string; asOf?: string; out?: string };

/**
 * `sfa export forecast`: the company's forecast as CSV for planners and for checking the numbers
 * (`key,month,kind,value,low80,high80,low95,high95,baseline,factor,model`); `--as-of 2017-07`
 * forecasts as if that month were the first unknown one, from the history before it only.
 */
export async function exportForecastCommand(ctx: CommandContext, options: ExportForecastOptions): Promise<number> {
  const by = (options.by ?? 'total') as ForecastDimension;
  if (!forecastDimensions.includes(by)) throw new CliError(`--by must be one of ${forecastDimensions.join(', ')}`);
  const months = Number(options.months ?? 12);
  if (!Number.isInteger(months) || months < 1 || months > 24) throw new CliError('--months must be a whole number from 1 to 24');
  const em = ctx.orm.em.fork();
  const tenant = await resolveTenant(em, options.tenant);
  const forecast = await buildForecast(em, systemActor(tenant.id, 'sfa export forecast'), { scope: 'org', by, months, asOf: options.asOf, maxKeys: 10_000 });
  const csv = forecastCsv(forecast);
  if (options.out) {
    fs.writeFileSync(options.out, csv);
    ctx.err(`wrote ${forecast.lines.length} series (${forecast.asOf}, ${months} months) to ${options.out}`);
  } else {
    ctx.out(csv.trimEnd());
  }
  return 0;
}
