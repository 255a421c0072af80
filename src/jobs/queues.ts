import { Queue, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { onceEvery, storeOf } from './quiet-log';
import { queueNames, type Enqueuer, type JobDefinition, type QueueName } from './job-definition';

export { queueNames, type QueueName } from './job-definition';

/**
 * Workers block on Redis and must wait out a reconnect (`maxRetriesPerRequest: null`); producers
 * (the outbox relay, fan-out, the dashboard) must fail fast so a Redis outage surfaces as an error
 * and the work stays in PostgreSQL. Shared state a running job reads (channel pacing, the 429
 * gate, small caches) waits through a short reconnect, then fails so the job is retried. Every
 * connection logs its errors: an unhandled 'error' event would end the process.
 */
export function redisConnection(url: string, purpose: 'worker' | 'producer' | 'state', logger: Logger): Redis {
  const retryStrategy = (n: number) => Math.min(200 * n, 2000);
  const redis =
    purpose === 'worker'
      ? new Redis(url, { maxRetriesPerRequest: null, retryStrategy })
      : purpose === 'state'
        ? new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 2000, retryStrategy })
        : // Commands issued in one turn of the event loop (a burst of chat commands) go to Redis as one pipeline.
          new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, enableAutoPipelining: true, retryStrategy });
  redis.on('error', quietly(logger, `redis (${purpose})`));
  return redis;
}

/** An error logger that says a broken connection once every 10 s (with how many it left unsaid, and which store), not on every reconnect attempt. */
export function quietly(logger: Logger, what: string): (err: Error) => void {
  const log = onceEvery(logger);
  return (err) => log(what, { err: err.message, store: storeOf(err) }, `${what} problem`);
}

/** How long a person-facing enqueue waits for Redis before giving up (Slack acks within 3 s). */
export const addSoonWaitMs = 500;

type PendingJob = { name: string; data: object; opts: JobsOptions; resolve: (job: Job) => void; reject: (err: Error) => void };

/** The producer side of every queue, on one fail-fast connection. */
export class JobQueues implements Enqueuer {
  readonly connection: Redis;
  private readonly queues: Record<QueueName, Queue>;

  constructor(redisUrl: string, readonly prefix: string, logger: Logger) {
    this.connection = redisConnection(redisUrl, 'producer', logger);
    const make = (name: QueueName) => {
      const queue = new Queue(name, { connection: this.connection, prefix });
      queue.on('error', quietly(logger, `queue ${name}`));
      return queue;
    };
    this.queues = { deliveries: make('deliveries'), schedules: make('schedules'), commands: make('commands'), signals: make('signals') };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  all(): Queue[] {
    return queueNames.map((n) => this.queues[n]);
  }

  /** Enqueues a job under its deterministic id: adding the same job twice while it exists is a no-op. */
  async add<D extends object>(definition: JobDefinition<D>, data: D, options: JobsOptions = {}): Promise<void> {
    await this.queues[definition.queue].add(definition.name, data, { ...definition.options, ...options, jobId: definition.jobId(data) });
  }

  /**
   * For work a person is waiting on (a chat command): jobs added in the same turn of the event
   * loop go to Redis together (one round trip, one MULTI), which under a burst halves what each
   * costs the web process and Redis. Each caller learns within `waitMs` whether its own job was
   * stored, and gets it back (to promote a held job, say); past that it is told no. A write that
   * lands later anyway runs as usual, so what it does must be idempotent.
   */
  addSoon<D extends object>(definition: JobDefinition<D>, data: D, options: { waitMs?: number; delay?: number } = {}): Promise<Job> {
    const stored = new Promise<Job>((resolve, reject) => {
      const batch = (this.pending[definition.queue] ??= []);
      batch.push({ name: definition.name, data, opts: { ...definition.options, jobId: definition.jobId(data), ...(options.delay ? { delay: options.delay } : {}) }, resolve, reject });
      if (batch.length === 1) setImmediate(() => this.flush(definition.queue));
    });
    // Without Redis, BullMQ waits for a connection forever.
    const waitMs = options.waitMs ?? addSoonWaitMs;
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`queue did not answer within ${waitMs} ms`)), waitMs).unref());
    return Promise.race([stored, late]);
  }

  private readonly pending: Partial<Record<QueueName, PendingJob[]>> = {};

  private flush(name: QueueName): void {
    const batch = this.pending[name] ?? [];
    this.pending[name] = [];
    this.queues[name].addBulk(batch.map(({ name: jobName, data, opts }) => ({ name: jobName, data, opts }))).then(
      (jobs) => batch.forEach((j, i) => j.resolve(jobs[i]!)),
      (err: Error) => batch.forEach((j) => j.reject(err)),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((q) => q.close()));
    this.connection.disconnect();
  }
}
