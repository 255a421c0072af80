import { listStalledOpportunities } from '../domain/opportunities/list-stalled-opportunities';
import { systemActor } from '../domain/shared/actor';
import { defineJob, scheduleJobOptions } from './job-definition';
import { nudgeDigestJob } from './nudge-digest.job';

export type NudgeScanData = { tenantId: string; date: string };

/** One tenant's morning scan: fans out one digest job per rep who has stalled deals. */
export const nudgeScanJob = defineJob<NudgeScanData>({
  name: 'nudge-scan',
  queue: 'schedules',
  jobId: (d) => `nudge-scan.${d.tenantId}.${d.date}`,
  options: scheduleJobOptions,
  async handle(data, { em, queues, clock }) {
    const stalled = await listStalledOpportunities(em, systemActor(data.tenantId, 'nudges'), { now: clock.now(), whose: 'team' });
    const owners = [...new Set(stalled.map((s) => s.opportunity.ownerId))];
    for (const userId of owners) await queues.add(nudgeDigestJob, { tenantId: data.tenantId, userId, date: data.date });
    return `${owners.length} digests`;
  },
});
