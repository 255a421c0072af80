function assertSameLength(name: string, ...series: number[][]): void {
  const length = series[0].length;
  if (length === 0) throw new RangeError(`${name}: no points to score`);
  if (series.some((s) => s.length !== length)) throw new RangeError(`${name}: series of different lengths`);
}

const meanOf = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

/**
 * Mean absolute error of the in-sample seasonal naive forecast (each value predicted by the one a
 * season earlier): the scale of MASE. Training shorter than a season and a bit is scaled by the
 * one-step naive forecast instead, so a score always exists.
 */
export function seasonalNaiveMae(training: number[], seasonLength: number): number {
  const lag = training.length > seasonLength ? Math.max(1, seasonLength) : 1;
  if (training.length <= lag) return 0;
  const errors = training.slice(lag).map((v, i) => Math.abs(v - training[i]));
  return meanOf(errors);
}

/**
 * Mean absolute scaled error: the forecast's mean absolute error over the in-sample seasonal naive
 * MAE of the training data. Below 1 beats seasonal naive. A perfectly regular training series has
 * no scale: 0 when the forecast is exact too, otherwise Infinity.
 */
export function mase(actual: number[], predicted: number[], training: number[], seasonLength: number): number {
  assertSameLength('mase', actual, predicted);
  const error = meanOf(actual.map((a, i) => Math.abs(a - predicted[i])));
  const scale = seasonalNaiveMae(training, seasonLength);
  if (scale === 0) return error === 0 ? 0 : Infinity;
  return error / scale;
}

/** Mean absolute percentage error as a share (0.125 = 12.5 %), over the periods whose actual is not 0; null when all are 0. */
export function mape(actual: number[], predicted: number[]): number | null {
  assertSameLength('mape', actual, predicted);
  const errors = actual.flatMap((a, i) => (a === 0 ? [] : [Math.abs((a - predicted[i]) / a)]));
  return errors.length === 0 ? null : meanOf(errors);
}

/** Share (0..1) of actual values inside their interval, bounds included. */
export function intervalCoverage(actual: number[], low: number[], high: number[]): number {
  assertSameLength('intervalCoverage', actual, low, high);
  return actual.filter((a, i) => a >= low[i] && a <= high[i]).length / actual.length;
}
