export type ModelName = 'mstl_ets' | 'auto_ets' | 'seasonal_naive' | 'mean';

/** A forecast with its 80 % and 95 % prediction intervals, one value per period ahead. */
export type ForecastBands = {
  point: number[];
  low80: number[];
  high80: number[];
  low95: number[];
  high95: number[];
};

export type ForecastResult = {
  model: ModelName;
  /** Why this model: e.g. "smallest MASE in a 6-fold rolling-origin backtest (0.71; seasonal naive 1.00)", or "only 9 months of history: seasonal naive needs 12". */
  reason: string;
  /** Backtest score of each model tried (MASE against seasonal naive; lower is better); empty when no backtest was possible. */
  backtest: Array<{ model: ModelName; mase: number }>;
  /** Factor the model's own intervals were widened by to reach their nominal coverage in the backtest (1 = unchanged). */
  intervalWidening?: number;
  /** Indices into the history of one-off outliers that were replaced by their expected value before fitting. */
  replacedOutliers?: number[];
} & ForecastBands;

export type ForecastOptions = {
  /** Periods per season: 12 for monthly (the default), 52 for weekly, 1 (or less) for no seasonality. */
  seasonLength?: number;
  /** Rolling-origin backtest folds (default 6). */
  backtestFolds?: number;
};

/** Fits a model to the history and forecasts `horizon` periods ahead; throws when the model cannot. */
export type Forecaster = (history: number[], horizon: number) => ForecastBands;

export type Candidate = { name: ModelName; forecast: Forecaster };

export const MODEL_LABEL: Record<ModelName, string> = {
  mstl_ets: 'MSTL-ETS',
  auto_ets: 'AutoETS',
  seasonal_naive: 'seasonal naive',
  mean: 'mean',
};

/** Ties in the backtest go to the simpler model: the lower rank. */
export const SIMPLICITY_RANK: Record<ModelName, number> = { mean: 0, seasonal_naive: 1, auto_ets: 2, mstl_ets: 3 };
