import { createHash, timingSafeEqual } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import { Gauge } from 'prom-client';
import type { MikroORM } from '../db/orm';
import { registry } from '../metrics';

const queuesWatched = new Set<() => Queue[]>();
const databasesWatched = new Set<MikroORM>();
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

const outboxUnsettled = new Gauge({
  name: 'sfa_outbox_unsettled',
  help: 'Outbox rows (reminder and schedule intents) whose job has not finished yet, read from PostgreSQL when scraped.',
  registers: [registry],
  async collect() {
    for (const orm of databasesWatched) {
      const rows = await within(orm.em.getConnection().execute<Array<{ n: string }>>(`select count(*) as n from outbox where settled_at is null`), 1000);
      if (rows) this.set(Number(rows[0]?.n ?? 0));
    }
  },
});
void outboxUnsettled;

const outboxLag = new Gauge({
  name: 'sfa_outbox_lag_seconds',
  help: 'Age of the oldest outbox row not yet published to the queues (0 when none): how far behind the relay is.',
  registers: [registry],
  async collect() {
    for (const orm of databasesWatched) {
      const rows = await within(
        orm.em.getConnection().execute<Array<{ lag: number | null }>>(`select extract(epoch from now() - min(created_at))::float8 as lag from outbox where published_at is null`),
        1000,
      );
      if (rows) this.set(Math.max(0, rows[0]?.lag ?? 0));
    }
  },
});
void outboxLag;

/** knex's pool (tarn) behind MikroORM: in use, idle, and callers waiting for a connection. */
type PoolCounts = { numUsed(): number; numFree(): number; numPendingAcquires(): number };

const dbPool = new Gauge({
  name: 'sfa_db_pool_connections',
  help: 'This process\'s PostgreSQL connections by state: used, free, and pending (callers waiting for one).',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    for (const orm of databasesWatched) {
      const pool = (orm.em.getConnection().getKnex().client as { pool?: PoolCounts }).pool;
      if (!pool) continue;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending' }, pool.numPendingAcquires());
    }
  },
});
void dbPool;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * `GET /metrics` in Prometheus' text format: the process, chat interactions, deliveries, the
 * queues, the outbox and the database pool. With a token configured, only `Authorization: Bearer <token>` may read it.
 */
export function mountMetrics(app: Express, opts: { token?: string; queues?: () => Queue[]; orm: MikroORM }): { unwatch: () => void } {
  if (opts.queues) queuesWatched.add(opts.queues);
  databasesWatched.add(opts.orm);
  const expected = opts.token ? digest(opts.token) : null;
  app.get('/metrics', async (req, res) => {
    if (expected) {
      const [scheme, given] = (req.header('authorization') ?? '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !given || !timingSafeEqual(digest(given), expected)) return void res.status(401).set('WWW-Authenticate', 'Bearer').send('Authentication required');
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return {
    unwatch: () => {
      if (opts.queues) queuesWatched.delete(opts.queues);
      databasesWatched.delete(opts.orm);
    },
  };
}
