import { defineJob, deliveryJobOptions } from './job-definition';
import { postForecast, type ForecastPostData } from './post-forecast';

export type { ForecastPostData } from './post-forecast';

/** Builds one forecast (SQL series, the chosen models), renders its charts or CSV and posts them. */
export const forecastPostJob = defineJob<ForecastPostData>({
  name: 'forecast-post',
  queue: 'deliveries',
  jobId: (d) => `forecast.${d.key}`,
  options: deliveryJobOptions,
  handle: (data, ctx) => postForecast(data, ctx),
});
