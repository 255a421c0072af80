import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { MikroORM } from '../db/orm';
import type { Logger } from '../logger';
import { onceEvery, storeOf } from './quiet-log';
import { databaseUnavailable } from './store-errors';
import { ChannelPacer } from './channel-pacer';
import { systemClock } from './clock';
import { DeliveryLedger } from './delivery-ledger';
import { noCommandRunner, type ChatCommandRunner } from './chat-command.job';
import type { Clock } from './clock';
import { PacedError, PermanentDeliveryError, RateLimitedError, TransientDeliveryError, type Notifier } from './notifier';
import { OutboxRelay } from './outbox-relay';
import { findJob } from './registry';
import { JobQueues, queueNames, quietly, redisConnection, type QueueName } from './queues';
import { SignalStream } from './signal-stream';
import { ensureSchedules } from './schedules';

type RunnerEnv = { orm: MikroORM; notifier: Notifier; queues: JobQueues; clock: Clock; log: Logger; commands: ChatCommandRunner; ledger: DeliveryLedger; pacer: ChannelPacer; archiveDir: string | null; signalStream?: SignalStream };
type RunJob = (job: Job, token?: string) => Promise<string>;

/**
 * Runs one job by its definition, and turns what went wrong into what BullMQ should do: a
 * platform's Retry-After holds that workspace and delays the job, pacing delays the job, a permanent failure
 * dead-letters it, anything else is retried.
 */
function jobRunner(env: RunnerEnv): RunJob {
  const { orm, log, ledger } = env;
  const settle = (job: Job) =>
    job.data?.outboxId ? orm.em.getConnection().execute(`update outbox set settled_at = now() where id = ? and settled_at is null`, [job.data.outboxId]) : undefined;
  return async (job, token) => {
    const definition = findJob(job.name);
    if (!definition) throw new UnrecoverableError(`no job named ${job.name}`);
    const jobLog = log.child({ job: job.name, jobId: job.id });
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      const outcome = await definition.handle(job.data, { em: orm.em.fork(), orm, notifier: env.notifier, queues: env.queues, clock: env.clock, log: jobLog, commands: env.commands, finalAttempt, archiveDir: env.archiveDir, signalStream: env.signalStream });
      await settle(job);
      jobLog.debug({ outcome }, 'job done');
      return outcome;
    } catch (err) {
      if (err instanceof RateLimitedError) {
        // Only that workspace waits, in every worker (the pacer's gate); other tenants' messages go on.
        jobLog.warn({ retryAfterMs: err.retryAfterMs, scope: err.scope }, 'rate limited by the chat platform');
        await env.pacer.hold(err.scope, err.retryAfterMs);
        await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
        throw new DelayedError();
      }
      if (err instanceof PacedError) {
        await job.moveToDelayed(err.notBefore, token);
        throw new DelayedError();
      }
      // A platform's network errors (classified by the notifier) keep their backoff.
      if (!(err instanceof TransientDeliveryError) && databaseUnavailable(err) && (await waitForDatabase(job, token))) {
        jobLog.debug({ err: (err as Error).message }, 'PostgreSQL unavailable: the job waits for it');
        throw new DelayedError();
      }
      if (err instanceof PermanentDeliveryError) {
        jobLog.warn({ code: err.code }, 'delivery dead-lettered');
        await settle(job);
        throw new UnrecoverableError(err.code);
      }
      if (finalAttempt) {
        if (err instanceof TransientDeliveryError) await ledger.markDead(err.ref, `retries exhausted: ${err.code}`);
        await settle(job);
      }
      throw err;
    }
  };
}

/**
 * PostgreSQL is down or restarting: the job comes back in a second or two without using up a try
 * (an hour's outage would exhaust them, and its failure could not even be recorded). False when
 * Redis cannot take it either: then it fails as any error would.
 */
async function waitForDatabase(job: Job, token?: string): Promise<boolean> {
  try {
    await job.moveToDelayed(Date.now() + 1000 + Math.floor(Math.random() * 1000), token);
    return true;
  } catch {
    return false;
  }
}

/** One BullMQ worker per queue, each on its own blocking connection. */
function queueWorkers(config: WorkerDeps['config'], log: Logger, run: RunJob): { workers: Worker[]; connections: Redis[] } {
  // An outage fails every job the same way: said once per run of them, with the count.
  const failed = onceEvery(log);
  const connections: Redis[] = [];
  const concurrency: Record<QueueName, number> = { deliveries: config.jobs.concurrency, schedules: 2, commands: config.jobs.concurrency, signals: 4 };
  const workers = queueNames.map((name) => {
    const connection = redisConnection(config.redisUrl, 'worker', log);
    connections.push(connection);
    const worker: Worker = new Worker(name, (job, token) => run(job, token), {
      connection,
      prefix: config.jobs.queuePrefix,
      concurrency: concurrency[name],
      // A live worker renews its locks every lockMs / 2; a dead one's jobs are found within
      // lockMs + lockMs / 2 and run by another (deliveries are claimed, so nothing goes twice).
      lockDuration: config.jobs.lockMs,
      stalledInterval: Math.max(500, Math.round(config.jobs.lockMs / 2)),
      maxStalledCount: 2,
    });
    worker.on('error', quietly(log, `worker ${name}`));
    worker.on('failed', (job, err) => {
      if (job && !(err instanceof DelayedError)) failed(`${job.name}:${err.message}`, { job: job.name, jobId: job.id, attempt: job.attemptsMade, err: err.message, store: storeOf(err) }, 'job failed');
    });
    return worker;
  });
  return { workers, connections };
}

/** How long SIGTERM waits for running jobs (a Slack call times out after 10 s, pacing waits at most 1 s). */
const shutdownGraceMs = 60_000;

const bounded = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms).unref())]);

export type WorkerDeps = {
  config: Pick<Config, 'redisUrl' | 'jobs' | 'retention'>;
  orm: MikroORM;
  logger: Logger;
  /** Builds the notifier once the worker's ledger and pacer exist (Slack, Teams, or none). */
  notifier: (tools: NotifierTools) => Notifier;
  /** Runs chat commands the web process queued (none configured: they are dropped with a log line). */
  commands?: ChatCommandRunner;
  clock?: Clock;
};

/** What a notifier shares with the worker: the delivery ledger, the channel pacer, and Redis for small shared caches. */
export type NotifierTools = { ledger: DeliveryLedger; pacer: ChannelPacer; redis: Redis; keyPrefix: string };

export type RunningWorker = {
  queues: JobQueues;
  relay: OutboxRelay;
  ledger: DeliveryLedger;
  workers: Worker[];
  /** Stops taking jobs, lets running ones finish, then closes the queues (not the ORM). */
  stop: () => Promise<void>;
};

/**
 * The worker role: one BullMQ worker per queue, the outbox relay, and the job schedulers.
 * Safe to run in several processes at once: rows, jobs and deliveries are all claimed.
 */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, orm } = deps;
  const log = deps.logger.child({ component: 'worker' });
  const clock = deps.clock ?? systemClock;
  const queues = new JobQueues(config.redisUrl, config.jobs.queuePrefix, log);
  const ledger = new DeliveryLedger(orm, config.jobs.lockMs);
  const state = redisConnection(config.redisUrl, 'state', log);
  const pacer = new ChannelPacer(state, config.jobs.queuePrefix);
  const commands = deps.commands ?? noCommandRunner;
  const notifier = deps.notifier({ ledger, pacer, redis: state, keyPrefix: config.jobs.queuePrefix });

  const signalStream = new SignalStream(state, config.jobs.queuePrefix, config.jobs.lockMs);
  const run = jobRunner({ orm, notifier, queues, clock, log, commands, ledger, pacer, archiveDir: config.retention.archiveDir, signalStream });
  const { workers, connections } = queueWorkers(config, log, run);

  const relay = new OutboxRelay(orm, queues, log, { clock, pollMs: config.jobs.outboxPollMs, sweepMs: config.jobs.outboxSweepMs });
  relay.start();
  // Not awaited: with Redis down at start-up this waits for it (and the sweeper checks again later)
  // while the process comes up and can still be stopped cleanly.
  void ensureSchedules(queues).catch((err: Error) => log.warn({ err: err.message }, 'job schedules not set up yet'));
  log.info({ queues: queueNames, prefix: config.jobs.queuePrefix, concurrency: config.jobs.concurrency }, 'worker started');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await relay.stop();
      // close() waits for the jobs in hand to finish. Without Redis no job can be in hand, and a
      // graceful close would wait for Redis forever: then close at once.
      await Promise.all(
        workers.map((w, i) => (connections[i]!.status === 'ready' ? bounded(w.close(), shutdownGraceMs).catch(() => w.close(true)) : w.close(true))),
      );
      await bounded(queues.close(), 2000).catch(() => queues.connection.disconnect());
      for (const c of [...connections, state]) c.disconnect();
      log.info('worker stopped');
    })());
  return { queues, relay, ledger, workers, stop };
}
