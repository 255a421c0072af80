import { processPendingSignals } from '../domain/signals/process-signals';
import { defineJob, scheduleJobOptions } from './job-definition';

export type SignalsProcessData = { tenantId: string; /** The second the batch arrived in: one job per tenant per second. */ bucket: number };

/**
 * Processes a tenant's pending signal events. `POST /api/signals` adds one per tenant per second
 * (its id deduplicates a burst); the job keeps going while pending events remain, and a sweep
 * re-adds it for events whose job Redis lost, so an event is delayed by an outage, never dropped.
 */
export const signalsProcessJob = defineJob<SignalsProcessData>({
  name: 'signals-process',
  queue: 'schedules',
  jobId: (d) => `signals-process.${d.tenantId}.${d.bucket}`,
  options: scheduleJobOptions,
  async handle(data, { em, clock }) {
    let processed = 0;
    for (;;) {
      const page = await processPendingSignals(em.fork(), { tenantId: data.tenantId, now: clock.now(), limit: 1000 });
      processed += page.processed;
      if (!page.more) break;
    }
    return `${processed} events`;
  },
});
