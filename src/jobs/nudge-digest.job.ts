import { nudgeDigestCard } from '../cards/presenters/nudge-card';
import { translator } from '../cards/i18n/i18n';
import { listStalledOpportunities } from '../domain/opportunities/list-stalled-opportunities';
import { User } from '../domain/org/user.entity';
import { userActor } from '../domain/shared/actor';
import { defineJob, deliveryJobOptions } from './job-definition';

export type NudgeDigestData = { tenantId: string; userId: string; date: string };

/** A rep's one digest DM of the day, listing every stalled deal (re-read at send time). */
export const nudgeDigestJob = defineJob<NudgeDigestData>({
  name: 'nudge-digest',
  queue: 'deliveries',
  jobId: (d) => `nudge-digest.${d.userId}.${d.date}`,
  options: deliveryJobOptions,
  async handle(data, { em, notifier, clock }) {
    const user = await em.findOne(User, { id: data.userId, tenantId: data.tenantId, active: true });
    if (!user) return 'skipped: user inactive';
    const items = await listStalledOpportunities(em, userActor(user.tenantId, user.id, user.role), { now: clock.now(), whose: 'mine' });
    if (items.length === 0) return 'skipped: nothing stalled';
    const card = nudgeDigestCard(items, { t: translator(user.locale), user });
    const result = await notifier.sendDirect({ tenantId: user.tenantId, userId: user.id, card, idempotencyKey: `nudge-digest.${user.id}.${data.date}`, kind: 'nudge_digest' });
    return result.status;
  },
});
