import { signalTexts } from '../cards/presenters/signal-card';
import { expandSignalBatches } from '../domain/signals/expand-signal-batches';
import { processPendingSignals } from '../domain/signals/process-signals';
import type { JobsOptions } from 'bullmq';
import { signalsExpanded } from '../metrics';
import { defineJob } from './job-definition';
import { expandStreamStep } from './signal-stream';

export type SignalsProcessData = {
  tenantId: string;
  /** The unix second a request was staged in (the sweep: its minute): one job per tenant per second. */
  bucket: number;
  /** Set by the sweep (`sweep`) and by a run handing on (`1`, `2`, …): ids apart from the endpoint's. */
  part?: string;
};

/** Events per transaction: big enough that a 100,000-event backlog is 100 transactions, small enough that each is short. */
export const signalPageSize = 1000;
/** One run drains for at most this long, then hands on to a fresh job, so one tenant's flood never holds a worker slot for good. */
const runBudgetMs = 20_000;

/**
 * One job per tenant per second of arrivals: kept only minutes once done (its id only has to
 * deduplicate the burst of requests within its second), retried like a scan.
 */
const signalJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 600, count: 5000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/**
 * Processes a tenant's pending signal events. `POST /api/signals` adds one per tenant per second
 * (its id deduplicates a burst); the job keeps going while pending events remain (a run that has
 * used its time budget adds the next one), and the sweep re-adds it for events whose job Redis
 * lost, so an event is delayed by an outage, never dropped. It runs on its own queue: a flood of
 * signals never delays reminders' ticks and scans.
 */
export const signalsProcessJob = defineJob<SignalsProcessData>({
  name: 'signals-process',
  queue: 'signals',
  jobId: (d) => `signals-process.${d.tenantId}.${d.bucket}${d.part ? `.${d.part}` : ''}`,
  options: signalJobOptions,
  async handle(data, { em, clock, queues, signalStream }) {
    const started = Date.now();
    let processed = 0;
    const handOn = async () => {
      await queues.add(signalsProcessJob, { tenantId: data.tenantId, bucket: data.bucket, part: String(Number(data.part ?? 0) + 1 || 1) });
      return `${processed} events, more to come`;
    };
    // The requests POST /api/signals staged (a Redis stream entry each, or a row when Redis was slow) become pending events first.
    const stream = signalStream;
    const steps = [...(stream ? [() => expandStreamStep(em, stream, data.tenantId)] : []), () => expandSignalBatches(em, { tenantId: data.tenantId })];
    for (const step of steps) {
      for (let batches = 1; batches > 0; ) {
        const expanded = await step();
        batches = expanded.batches;
        signalsExpanded.inc({ outcome: 'stored' }, expanded.inserted);
        signalsExpanded.inc({ outcome: 'duplicate' }, expanded.duplicates);
        if (batches > 0 && Date.now() - started > runBudgetMs) return handOn();
      }
    }
    for (;;) {
      const page = await processPendingSignals(em.fork(), { tenantId: data.tenantId, now: clock.now(), limit: signalPageSize, texts: signalTexts });
      processed += page.processed;
      if (!page.more) break;
      if (Date.now() - started > runBudgetMs) return handOn();
    }
    return `${processed} events`;
  },
});

/** Pending events older than this without a running job are the sweep's. */
export const strandedAfterMs = 30_000;

export type SignalsSweepData = { minute?: string };

/**
 * Every minute (a job scheduler): a processing job for each tenant with pending events (or staged
 * requests not yet expanded) received more than 30 s ago — the endpoint could not enqueue, or Redis lost the job. Ids carry the minute,
 * so a second sweep in it adds nothing; a tenant whose job is still running gets another that
 * finds little left (rows are taken with skip locked).
 */
export const signalsSweepJob = defineJob<SignalsSweepData>({
  name: 'signals-sweep',
  queue: 'signals',
  jobId: (d) => `signals-sweep.${d.minute ?? 'manual'}`,
  options: signalJobOptions,
  async handle(_data, { em, clock, queues, signalStream }) {
    const now = clock.now();
    // One probe per tenant down the partial index of pending rows: the oldest is found first. Staged requests not yet expanded count too.
    const before = new Date(now.getTime() - strandedAfterMs);
    const rows: Array<{ id: string }> = await em.execute(
      `select t.id from tenants t
        where exists (select 1 from signal_events e where e.tenant_id = t.id and e.status = 'pending' and e.received_at < ?)
           or exists (select 1 from signal_batches b where b.tenant_id = t.id and b.received_at < ?)`,
      [before, before],
    );
    // Requests staged in Redis: a tenant whose oldest entry (read by a worker or not) is as old.
    const inStream = signalStream ? await signalStream.strandedTenants(before.getTime()) : [];
    const tenants = [...new Set([...rows.map((r) => r.id), ...inStream])];
    const bucket = Math.floor(now.getTime() / 60_000) * 60;
    for (const tenantId of tenants) await queues.add(signalsProcessJob, { tenantId, bucket, part: 'sweep' });
    return `${tenants.length} tenants with stranded signals`;
  },
});
