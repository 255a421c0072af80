import { managerSummaryCard } from '../cards/presenters/nudge-card';
import { translator } from '../cards/i18n/i18n';
import { listPoolReturns } from '../domain/customers/list-pool-notices';
import { addDays } from '../domain/customers/pool-rules';
import { listStalledOpportunities } from '../domain/opportunities/list-stalled-opportunities';
import { User } from '../domain/org/user.entity';
import { userActor } from '../domain/shared/actor';
import { defineJob, deliveryJobOptions } from './job-definition';

export type ManagerSummaryData = { tenantId: string; userId: string; week: string; weekOf: string };

/** A manager's Monday DM: stalled deals across their subtree (their own come in their digest), and last week's returns to the pool. */
export const managerSummaryJob = defineJob<ManagerSummaryData>({
  name: 'manager-summary',
  queue: 'deliveries',
  jobId: (d) => `manager-summary.${d.userId}.${d.week}`,
  options: deliveryJobOptions,
  async handle(data, { em, notifier, clock }) {
    const user = await em.findOne(User, { id: data.userId, tenantId: data.tenantId, active: true });
    if (!user) return 'skipped: user inactive';
    const items = (await listStalledOpportunities(em, userActor(user.tenantId, user.id, user.role), { now: clock.now(), whose: 'team' })).filter(
      (i) => i.opportunity.ownerId !== user.id,
    );
    // Last week (Monday to Sunday, by the tenant's local dates): customers their team let go back to the pool.
    const poolReturns = (await listPoolReturns(em, userActor(user.tenantId, user.id, user.role), { from: addDays(data.weekOf, -7), to: addDays(data.weekOf, -1) })).filter(
      (r) => r.previousOwnerId !== user.id,
    );
    if (items.length === 0 && poolReturns.length === 0) return 'skipped: nothing stalled';
    const card = managerSummaryCard(items, { t: translator(user.locale), user, weekOf: data.weekOf, poolReturns });
    const result = await notifier.sendDirect({ tenantId: user.tenantId, userId: user.id, card, idempotencyKey: `manager-summary.${user.id}.${data.week}`, kind: 'manager_summary' });
    return result.status;
  },
});
