import { createHash, timingSafeEqual } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import { Gauge } from 'prom-client';
import { registry } from '../metrics';

const queuesWatched = new Set<() => Queue[]>();
const states = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Redis may be down while Prometheus scrapes: the scrape answers without the queue figures, not hangs. */
const within = <T>(promise: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([promise.catch(() => undefined), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);

const queueJobs = new Gauge({
  name: 'sfa_queue_jobs',
  help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed), read when scraped.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    for (const queues of queuesWatched) {
      for (const q of queues()) {
        const counts = await within(q.getJobCounts(...states), 1000);
        if (counts) for (const state of states) this.set({ queue: q.name, state }, counts[state] ?? 0);
      }
    }
  },
});
void queueJobs;

const oldestWaiting = new Gauge({
  name: 'sfa_queue_oldest_waiting_seconds',
  help: 'Age of the oldest job waiting in each queue (0 when none waits): how far behind the workers are.',
  labelNames: ['queue'] as const,
  registers: [registry],
  async collect() {
    for (const queues of queuesWatched) {
      for (const q of queues()) {
        const jobs = await within(q.getJobs(['waiting'], 0, 0, true), 1000);
        if (jobs) this.set({ queue: q.name }, jobs[0] ? Math.max(0, (Date.now() - jobs[0].timestamp) / 1000) : 0);
      }
    }
  },
});
void oldestWaiting;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * `GET /metrics` in Prometheus' text format: the process, chat interactions, deliveries and the
 * queues. With a token configured, only `Authorization: Bearer <token>` may read it.
 */
export function mountMetrics(app: Express, opts: { token?: string; queues: () => Queue[] }): void {
  queuesWatched.add(opts.queues);
  const expected = opts.token ? digest(opts.token) : null;
  app.get('/metrics', async (req, res) => {
    if (expected) {
      const [scheme, given] = (req.header('authorization') ?? '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !given || !timingSafeEqual(digest(given), expected)) return void res.status(401).set('WWW-Authenticate', 'Bearer').send('Authentication required');
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
}
