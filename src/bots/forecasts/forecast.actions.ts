import { removeForecastFactor } from '../../domain/forecasting/remove-forecast-factor';
import { factorText } from '../../cards/presenters/forecast-card';
import { card } from '../pipeline/context';
import { defineAction } from '../pipeline/handlers';
import { id } from '../pipeline/values';

export const forecastActions = {
  'forecast.factor_remove': defineAction({
    value: id,
    effect: 'write',
    async run(ctx, factorId) {
      const removed = await removeForecastFactor(ctx.em, ctx.actor, factorId);
      return card({ kind: 'card', tone: 'ok', text: ctx.t('forecast.factorRemoved', { factor: factorText(removed, ctx.t) }) }, true);
    },
  }),
};
