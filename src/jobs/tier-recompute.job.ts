import { recomputeTenantTiers } from '../domain/customers/recompute-tiers';
import { systemActor } from '../domain/shared/actor';
import { defineJob, scheduleJobOptions } from './job-definition';

export type TierRecomputeData = { tenantId: string; /** The tenant's local date: one run per tenant per day. */ date: string };

/**
 * One tenant's nightly tier recompute (nudge-tick adds it at 02:00 local time): facts change with
 * time alone (a deal won 12 months ago drops out of the window, interactions age), not only when
 * someone edits something. Changes only rows whose tier differs and audits one summary entry.
 */
export const tierRecomputeJob = defineJob<TierRecomputeData>({
  name: 'tier-recompute',
  queue: 'schedules',
  jobId: (d) => `tier-recompute.${d.tenantId}.${d.date}`,
  options: scheduleJobOptions,
  async handle(data, { em, clock }) {
    const counts = await recomputeTenantTiers(em, systemActor(data.tenantId, 'tiers'), { now: clock.now(), trigger: 'nightly' });
    return `${counts.evaluated} customers, ${counts.changed} changed, ${counts.written} written`;
  },
});
