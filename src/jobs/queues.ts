import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { JobDefinition } from './job-definition';

/**
 * `deliveries` sends messages (its rate limit is the chat platform's); `schedules` runs the clock
 * ticks and per-tenant scans that fan out into deliveries; `commands` runs chat commands the web
 * process acknowledged, apart from deliveries so a rate-limit pause there never delays a reply.
 */
export const queueNames = ['deliveries', 'schedules', 'commands'] as const;
export type QueueName = (typeof queueNames)[number];

/**
 * Workers block on Redis and must wait out a reconnect (`maxRetriesPerRequest: null`); producers
 * (the outbox relay, fan-out, the dashboard) must fail fast so a Redis outage surfaces as an error
 * and the work stays in PostgreSQL. Every connection logs its errors: an unhandled 'error' event
 * would end the process.
 */
export function redisConnection(url: string, purpose: 'worker' | 'producer', logger: Logger): Redis {
  const redis =
    purpose === 'worker'
      ? new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(200 * n, 2000) })
      : new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: (n) => Math.min(200 * n, 2000) });
  redis.on('error', quietly(logger, `redis (${purpose})`));
  return redis;
}

/** An error logger that says a broken connection once every 10 s, not on every reconnect attempt. */
export function quietly(logger: Logger, what: string): (err: Error) => void {
  let last = 0;
  return (err) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger.warn({ err: err.message }, `${what} problem`);
  };
}

/** How long a person-facing enqueue waits for Redis before giving up (Slack acks within 3 s). */
export const addSoonWaitMs = 500;

type PendingJob = { name: string; data: object; opts: JobsOptions; resolve: () => void; reject: (err: Error) => void };

/** The producer side of every queue, on one fail-fast connection. */
export class JobQueues {
  readonly connection: Redis;
  private readonly queues: Record<QueueName, Queue>;

  constructor(redisUrl: string, readonly prefix: string, logger: Logger) {
    this.connection = redisConnection(redisUrl, 'producer', logger);
    const make = (name: QueueName) => {
      const queue = new Queue(name, { connection: this.connection, prefix });
      queue.on('error', quietly(logger, `queue ${name}`));
      return queue;
    };
    this.queues = { deliveries: make('deliveries'), schedules: make('schedules'), commands: make('commands') };
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
   * costs the web process and Redis. Each caller learns whether its own job was stored, within
   * `waitMs`: past that it is told no and can do the work itself. A write that lands later anyway
   * is harmless, as queued commands find what an inline run wrote under the same request id.
   */
  addSoon<D extends object>(definition: JobDefinition<D>, data: D, waitMs = addSoonWaitMs): Promise<void> {
    const stored = new Promise<void>((resolve, reject) => {
      const batch = (this.pending[definition.queue] ??= []);
      batch.push({ name: definition.name, data, opts: { ...definition.options, jobId: definition.jobId(data) }, resolve, reject });
      if (batch.length === 1) setImmediate(() => this.flush(definition.queue));
    });
    // Without Redis, BullMQ waits for a connection forever.
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`queue did not answer within ${waitMs} ms`)), waitMs).unref());
    return Promise.race([stored, late]);
  }

  private readonly pending: Partial<Record<QueueName, PendingJob[]>> = {};

  private flush(name: QueueName): void {
    const batch = this.pending[name] ?? [];
    this.pending[name] = [];
    this.queues[name].addBulk(batch.map(({ name: jobName, data, opts }) => ({ name: jobName, data, opts }))).then(
      () => batch.forEach((j) => j.resolve()),
      (err: Error) => batch.forEach((j) => j.reject(err)),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((q) => q.close()));
    this.connection.disconnect();
  }
}
