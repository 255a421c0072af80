import { buildForecast } from '../domain/forecasting/build-forecast';
import { forecastAccuracy } from '../domain/forecasting/forecast-accuracy';
import { forecastDimensions } from '../domain/forecasting/forecast-series';
import { recordForecast } from '../domain/forecasting/record-forecast';
import { systemActor } from '../domain/shared/actor';
import { defineJob, scheduleJobOptions } from './job-definition';

export type ForecastRefreshData = { tenantId: string; /** The month that has just begun, YYYY-MM. */ month: string };

const refreshMonths = 6;

/**
 * After each month end (the tenant's time zone): the company's forecasts for the next months, in
 * total and per region, product and category, are made and kept, and the month just closed is set
 * beside what was forecast for it. Once per tenant and month: the job id carries both, and a
 * forecast already kept for that month is not replaced.
 */
export const forecastRefreshJob = defineJob<ForecastRefreshData>({
  name: 'forecast-refresh',
  queue: 'schedules',
  jobId: (d) => `forecast-refresh.${d.tenantId}.${d.month}`,
  options: scheduleJobOptions,
  async handle(data, { em }) {
    const actor = systemActor(data.tenantId, 'forecast refresh');
    let kept = 0;
    for (const by of forecastDimensions) {
      const forecast = await buildForecast(em, actor, { scope: 'org', by, months: refreshMonths, asOf: data.month, maxKeys: 200 });
      kept += await recordForecast(em, data.tenantId, 'org', forecast);
    }
    const accuracy = await forecastAccuracy(em, actor, { scope: 'org', now: new Date(`${data.month}-15T00:00:00Z`) });
    return `kept ${kept} forecast months; accuracy over ${accuracy.months.length} months: MAPE ${accuracy.mape ?? '–'} %, MASE ${accuracy.mase ?? '–'}`;
  },
});
