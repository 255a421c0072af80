import { runPoolDay } from '../domain/customers/run-pool-day';
import { defineJob, scheduleJobOptions } from './job-definition';
import { poolNoticeJob } from './pool-notice.job';

export type PoolReturnData = { tenantId: string; date: string };

/**
 * One tenant's public-pool day, at its nudge hour (fanned out by nudge-tick with the local date
 * in the id): customers whose warned stretch ran out return to the pool, owners are warned of the
 * ones due soon, and each owner with news gets one DM for the day.
 */
export const poolReturnJob = defineJob<PoolReturnData>({
  name: 'pool-return',
  queue: 'schedules',
  jobId: (d) => `pool-return.${d.tenantId}.${d.date}`,
  options: scheduleJobOptions,
  async handle(data, { em, queues, clock }) {
    const result = await runPoolDay(em, data.tenantId, data.date, clock.now());
    if (result.off) return 'skipped: auto-return off';
    for (const userId of result.owners) await queues.add(poolNoticeJob, { tenantId: data.tenantId, userId, date: data.date });
    return `${result.returned} returned, ${result.warned} warned, ${result.owners.length} notices`;
  },
});
