/**
 * Benchmark of the forecasting engine: 1,000 synthetic 48-month series (trend + yearly season +
 * noise, fixed seed), `forecastSeries(history, 6)` for each one after the other, beside the bare
 * library call it is built on (one MSTL-ETS fit and predict per series, no backtest). Target: the
 * 1,000 forecasts in under 10 s on a 2-core machine.
 *
 *   npm run bench:forecast   (SERIES=1000 MONTHS=48 HORIZON=6)
 */
import { forecastSeries, type ModelName } from '../src/domain/forecasting/engine';
import { loadAugurs } from '../src/domain/forecasting/engine/augurs-loader';
import { mulberry32 } from '../test/support/seeded-random';

const SERIES = Number(process.env.SERIES ?? 1000);
const MONTHS = Number(process.env.MONTHS ?? 48);
const HORIZON = Number(process.env.HORIZON ?? 6);
const TARGET_SECONDS = 10;

function syntheticSeries(random: () => number): number[] {
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const level = 1000 + 9000 * random();
  const trendPerMonth = -0.005 + 0.025 * random();
  const amplitude = 0.1 + 0.4 * random();
  const noise = 0.02 + 0.1 * random();
  const phase = 2 * Math.PI * random();
  return Array.from({ length: MONTHS }, (_, t) =>
    Math.max(0, level * (1 + trendPerMonth * t + amplitude * Math.sin((2 * Math.PI * t) / 12 + phase) + noise * gaussian())),
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** CPU time as well as wall time: on a shared machine the wall clock also counts other processes' turns. */
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

async function main() {
  const random = mulberry32(20240601);
  const series = Array.from({ length: SERIES }, () => syntheticSeries(random));

  const loadStarted = performance.now();
  const augurs = await loadAugurs();
  const loadMs = performance.now() - loadStarted;

  const bareStarted = performance.now();
  const bareCpu = process.cpuUsage();
  for (const history of series) {
    const model = augurs.mstl.MSTL.ets([12]);
    model.fit(history);
    model.predict(HORIZON, 0.8);
    model.predict(HORIZON, 0.95);
    model.free();
  }
  const bareMs = performance.now() - bareStarted;
  const bareCpuMs = cpuMs(process.cpuUsage(bareCpu));

  const chosen: Partial<Record<ModelName, number>> = {};
  let autoEtsTried = 0;
  const engineStarted = performance.now();
  const engineCpu = process.cpuUsage();
  for (const history of series) {
    const result = await forecastSeries(history, HORIZON);
    chosen[result.model] = (chosen[result.model] ?? 0) + 1;
    if (result.backtest.some((b) => b.model === 'auto_ets')) autoEtsTried++;
  }
  const engineMs = performance.now() - engineStarted;
  const engineCpuMs = cpuMs(process.cpuUsage(engineCpu));

  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`${SERIES} series × ${MONTHS} months, horizon ${HORIZON}`);
  console.log(`augurs load + wasm init (once per process): ${(loadMs).toFixed(0)} ms`);
  console.log(`bare MSTL-ETS fit + predict (80 %, 95 %): ${seconds(bareMs)} wall, ${seconds(bareCpuMs)} CPU  (${(bareMs / SERIES).toFixed(2)} ms a series)`);
  console.log(
    `forecastSeries with backtest:           ${seconds(engineMs)} wall, ${seconds(engineCpuMs)} CPU  (${(engineMs / SERIES).toFixed(2)} ms a series, ` +
      `${(engineMs / bareMs).toFixed(1)}× the bare call)`,
  );
  console.log(`models chosen: ${JSON.stringify(chosen)}; AutoETS backtested through every fold for ${autoEtsTried} series`);
  console.log(`peak RSS: ${maxRssMb.toFixed(0)} MB`);
  console.log(engineMs / 1000 < TARGET_SECONDS ? `OK: under the ${TARGET_SECONDS} s target` : `SLOW: over the ${TARGET_SECONDS} s target`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
