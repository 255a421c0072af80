import { signalCard } from '../cards/presenters/signal-card';
import { translator } from '../cards/i18n/i18n';
import { User } from '../domain/org/user.entity';
import { userActor } from '../domain/shared/actor';
import { isDomainError } from '../domain/shared/domain-error';
import { getSignalMatchView } from '../domain/signals/signal-match-view';
import { SignalMatch } from '../domain/signals/signal-match.entity';
import { defineJob, deliveryJobOptions } from './job-definition';

export type SignalNudgeData = { tenantId: string; outboxId: string; matchId: string };

/**
 * The owner's DM when a signal rule fired for their customer (from the `signal.nudge` outbox row
 * the firing wrote): the evidence and plan visit / open deal / dismiss, in their language. Sent once
 * per firing (the delivery's key is the match id); skipped when dismissed meanwhile or the owner left.
 */
export const signalNudgeJob = defineJob<SignalNudgeData>({
  name: 'signal-nudge',
  queue: 'deliveries',
  jobId: (d) => `signal-nudge.${d.matchId}`,
  options: deliveryJobOptions,
  async handle(data, { em, notifier }) {
    const match = await em.findOne(SignalMatch, { id: data.matchId, tenantId: data.tenantId });
    if (!match || !match.ownerId) return 'skipped: no such signal or no owner';
    if (match.dismissedAt) return 'skipped: dismissed';
    const user = await em.findOne(User, { id: match.ownerId, tenantId: data.tenantId, active: true });
    if (!user) return 'skipped: owner inactive';
    let view;
    try {
      view = await getSignalMatchView(em, userActor(user.tenantId, user.id, user.role), match.id);
    } catch (err) {
      // The customer moved out of their reach since (released, reassigned): nothing to tell them.
      if (isDomainError(err)) return `skipped: ${err.code}`;
      throw err;
    }
    const card = signalCard(view, { t: translator(user.locale), user });
    return (await notifier.sendDirect({ tenantId: user.tenantId, userId: user.id, card, idempotencyKey: `signal-nudge.${match.id}`, kind: 'signal_nudge' })).status;
  },
});
