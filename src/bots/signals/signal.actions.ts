import { signalCard } from '../../cards/presenters/signal-card';
import { dismissSignalMatch } from '../../domain/signals/dismiss-signal-match';
import { card } from '../pipeline/context';
import { defineAction } from '../pipeline/handlers';
import { id } from '../pipeline/values';

export const signalActions = {
  /** The owner (or their manager) dismisses a signal nudge: the card is answered updated, without the button. */
  'signal.dismiss': defineAction({
    value: id,
    effect: 'write',
    async run(ctx, matchId) {
      return card(signalCard(await dismissSignalMatch(ctx.em, ctx.actor, matchId, ctx.now), ctx), true);
    },
  }),
};
