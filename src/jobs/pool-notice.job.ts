import { poolNoticeCard } from '../cards/presenters/pool-card';
import { translator } from '../cards/i18n/i18n';
import { listPoolNotice } from '../domain/customers/list-pool-notices';
import { User } from '../domain/org/user.entity';
import { userActor } from '../domain/shared/actor';
import { defineJob, deliveryJobOptions } from './job-definition';

export type PoolNoticeData = { tenantId: string; userId: string; date: string };

/** An owner's one pool DM of the day (re-read at send time): warnings and today's returns. */
export const poolNoticeJob = defineJob<PoolNoticeData>({
  name: 'pool-notice',
  queue: 'deliveries',
  jobId: (d) => `pool-notice.${d.userId}.${d.date}`,
  options: deliveryJobOptions,
  async handle(data, { em, notifier }) {
    const user = await em.findOne(User, { id: data.userId, tenantId: data.tenantId, active: true });
    if (!user) return 'skipped: user inactive';
    const notice = await listPoolNotice(em, userActor(user.tenantId, user.id, user.role), data.date);
    if (notice.warnings.length === 0 && notice.returns.length === 0) return 'skipped: nothing to tell';
    const card = poolNoticeCard(notice, { t: translator(user.locale), user });
    return (await notifier.sendDirect({ tenantId: user.tenantId, userId: user.id, card, idempotencyKey: `pool-notice.${user.id}.${data.date}`, kind: 'pool_notice' })).status;
  },
});
