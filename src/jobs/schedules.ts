import { scheduleJobOptions } from './job-definition';
import { nudgeTickJob } from './nudge-tick.job';
import { reportTickJob } from './report-tick.job';
import { retentionJob } from './retention.job';
import { signalsSweepJob } from './signals-process.job';
import type { JobQueues } from './queues';

export const nudgeTickSchedulerId = 'nudge-tick';
export const reportTickSchedulerId = 'report-tick';
export const retentionSchedulerId = 'retention';
export const signalsSweepSchedulerId = 'signals-sweep';

const tickOptions = { attempts: scheduleJobOptions.attempts, backoff: scheduleJobOptions.backoff, removeOnComplete: { age: 2 * 24 * 3600 }, removeOnFail: { age: 14 * 24 * 3600 } };

/**
 * The repeating jobs, as BullMQ job schedulers: upserting the same scheduler id from every worker
 * at start-up leaves exactly one, so several replicas never fire a tick twice.
 */
export async function ensureSchedules(queues: JobQueues, options: { onlyIfMissing?: boolean } = {}): Promise<void> {
  const schedules = queues.queue('schedules');
  // At start-up always upsert (a changed pattern takes effect); later only restore a lost one.
  const signals = queues.queue('signals');
  if (options.onlyIfMissing && (await schedules.getJobScheduler(nudgeTickSchedulerId)) && (await schedules.getJobScheduler(reportTickSchedulerId)) && (await schedules.getJobScheduler(retentionSchedulerId)) && (await signals.getJobScheduler(signalsSweepSchedulerId))) return;
  await schedules.upsertJobScheduler(
    nudgeTickSchedulerId,
    { pattern: '0 * * * *', tz: 'UTC' },
    { name: nudgeTickJob.name, data: {}, opts: tickOptions },
  );
  // Every five minutes: a report set for 09:10 goes out by 09:15.
  await schedules.upsertJobScheduler(reportTickSchedulerId, { pattern: '*/5 * * * *', tz: 'UTC' }, { name: reportTickJob.name, data: {}, opts: tickOptions });
  // Daily at 03:30 UTC: every tenant's retention, in batches that never hold a table for long.
  await schedules.upsertJobScheduler(retentionSchedulerId, { pattern: '30 3 * * *', tz: 'UTC' }, { name: retentionJob.name, data: {}, opts: tickOptions });
  // Every minute: signals whose processing job was never queued (or lost with Redis) are picked up.
  await signals.upsertJobScheduler(signalsSweepSchedulerId, { pattern: '* * * * *', tz: 'UTC' }, { name: signalsSweepJob.name, data: {}, opts: { ...tickOptions, removeOnComplete: { age: 3600, count: 100 } } });
}
