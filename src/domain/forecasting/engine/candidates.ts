import { loadAugurs } from './augurs-loader';
import { autoEtsForecaster, mstlEtsForecaster } from './augurs-models';
import { meanForecast, seasonalNaiveForecast } from './baseline-models';
import type { Candidate, ModelName } from './types';

export type Unavailable = { model: ModelName; why: string };
export type CandidateSet = { baselines: Candidate[]; library: Candidate[]; unavailable: Unavailable[] };

export function baselineCandidates(seasonLength: number): Candidate[] {
  return [
    { name: 'seasonal_naive', forecast: (history, horizon) => seasonalNaiveForecast(history, horizon, seasonLength) },
    { name: 'mean', forecast: meanForecast },
  ];
}

async function libraryCandidates(seasonLength: number): Promise<Pick<CandidateSet, 'library' | 'unavailable'>> {
  try {
    const augurs = await loadAugurs();
    const library: Candidate[] = [];
    const unavailable: Unavailable[] = [];
    if (seasonLength > 1) library.push({ name: 'mstl_ets', forecast: mstlEtsForecaster(augurs, seasonLength) });
    else unavailable.push({ model: 'mstl_ets', why: 'needs a season' });
    library.push({ name: 'auto_ets', forecast: autoEtsForecaster(augurs, seasonLength) });
    return { library, unavailable };
  } catch (error) {
    const why = `augurs did not load (${error instanceof Error ? error.message : String(error)})`;
    return { library: [], unavailable: [{ model: 'mstl_ets', why }, { model: 'auto_ets', why }] };
  }
}

/** The models a series can be backtested with, in backtest order: AutoETS after MSTL-ETS, whose score decides whether it is tried. */
export async function candidatesFor(seasonLength: number): Promise<CandidateSet> {
  return { baselines: baselineCandidates(seasonLength), ...(await libraryCandidates(seasonLength)) };
}
