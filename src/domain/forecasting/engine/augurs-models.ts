import type { Forecast } from '@bsull/augurs/mstl' with { 'resolution-mode': 'import' };
import type { Augurs } from './augurs-loader';
import { sanitizeBands } from './bands';
import type { ForecastBands, Forecaster } from './types';

type AugursModel = {
  fit(y: number[]): void;
  predict(horizon: number, level?: number | null): Forecast;
  free(): void;
};

function bandsOf(at80: Forecast, at95: Forecast): ForecastBands {
  if (!at80.intervals || !at95.intervals) throw new Error('returned no prediction intervals');
  return { point: at80.point, low80: at80.intervals.lower, high80: at80.intervals.upper, low95: at95.intervals.lower, high95: at95.intervals.upper };
}

/** Fits a fresh model and frees its wasm memory afterwards, which the garbage collector never does. */
function fitAndPredict(create: () => AugursModel, history: number[], horizon: number): ForecastBands {
  const model = create();
  try {
    model.fit(history);
    return sanitizeBands(bandsOf(model.predict(horizon, 0.8), model.predict(horizon, 0.95)), horizon);
  } finally {
    model.free();
  }
}

export function mstlEtsForecaster(augurs: Augurs, seasonLength: number): Forecaster {
  return (history, horizon) => fitAndPredict(() => augurs.mstl.MSTL.ets([seasonLength]), history, horizon);
}

// augurs' ETS has no seasonal models yet (grafana/augurs#27): 'ZZZ' never finds one and returns
// exactly what 'ZZN' does (checked on 300 series), at twice the cost. The season comes from MSTL.
const AUTO_ETS_SPEC = 'ZZN';

export function autoEtsForecaster(augurs: Augurs, seasonLength: number): Forecaster {
  return (history, horizon) => fitAndPredict(() => new augurs.ets.AutoETS(seasonLength, AUTO_ETS_SPEC), history, horizon);
}
