export { forecastSeries } from './forecast-series';
export { intervalCoverage, mape, mase } from './metrics';
export type { ForecastBands, ForecastOptions, ForecastResult, ModelName } from './types';
