import { clip } from '../../cards/presenters/format';
import { signalCard } from '../../cards/presenters/signal-card';
import { dismissSignalMatch } from '../../domain/signals/dismiss-signal-match';
import { card } from '../pipeline/context';
import { defineAction } from '../pipeline/handlers';
import { id } from '../pipeline/values';

export const signalActions = {
  /**
   * The owner (or their manager) dismisses a signal nudge: the card is answered updated, without the
   * button, saying whether the deal the signal opened was closed (untouched since) or kept.
   */
  'signal.dismiss': defineAction({
    value: id,
    effect: 'write',
    async run(ctx, matchId) {
      const { t } = ctx;
      const dismissed = await dismissSignalMatch(ctx.em, ctx.actor, matchId, ctx.now, { lostReason: t('signals.dismissLostReason') });
      const shown = signalCard(dismissed, ctx);
      const deal = dismissed.deal;
      const said = deal ? t(deal.outcome === 'closed' ? 'signals.dismissClosedDeal' : 'signals.dismissKeptDeal', { title: clip(deal.title, 100) }) : null;
      return card(said ? { ...shown, text: [shown.text, said].filter(Boolean).join('\n') } : shown, true);
    },
  }),
};
