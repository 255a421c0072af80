import type { JobsOptions } from 'bullmq';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '../db/orm';
import type { Logger } from '../logger';
import type { Clock } from './clock';
import type { Notifier } from './notifier';
import type { SignalStream } from './signal-stream';

/**
 * `deliveries` sends messages (its rate limit is the chat platform's); `schedules` runs the clock
 * ticks and per-tenant scans that fan out into deliveries; `commands` runs chat commands the web
 * process acknowledged, apart from deliveries so a rate-limit pause there never delays a reply;
 * `signals` processes behaviour signals from `POST /api/signals`, apart from the ticks so that a
 * flood of 100,000 events never delays a reminder's or a report's tick.
 */
export const queueNames = ['deliveries', 'schedules', 'commands', 'signals'] as const;
export type QueueName = (typeof queueNames)[number];

/** What a job may enqueue through (a fan-out): the queues, by definition and deterministic id. */
export interface Enqueuer {
  add<D extends object>(definition: JobDefinition<D>, data: D, options?: JobsOptions): Promise<void>;
}

/** Runs a queued chat command and answers the person; throws what the worker should retry. Given by the chat layer. */
export interface ChatCommandRunner {
  run(command: QueuedCommand, attempt: { final: boolean }): Promise<string>;
}

/** A chat command as jobs see it: enough for its job id; the chat layer parses the rest. */
export type QueuedCommand = {
  platform: string;
  /** The workspace (Slack team id, Teams AAD tenant id). */
  workspaceId: string;
  /** The platform's id of this request, unique in the workspace: the job id and the request's idempotency key. */
  key: string;
  [more: string]: unknown;
};

export type JobContext = {
  /** A fresh unit of work for this run. */
  em: EntityManager;
  orm: MikroORM;
  notifier: Notifier;
  queues: Enqueuer;
  clock: Clock;
  log: Logger;
  /** Runs chat commands queued by the web process. */
  commands: ChatCommandRunner;
  /** No retry follows if this run fails: the last chance to tell the user. */
  finalAttempt: boolean;
  /** Where audit entries are archived before retention deletes them (`ARCHIVE_DIR`); null keeps them. */
  archiveDir: string | null;
  /** The Redis streams `POST /api/signals` stages requests in (the worker's side); absent in tests that do not need it. */
  signalStream?: SignalStream;
};

/**
 * One kind of job: where it runs, its deterministic id (so enqueuing twice is harmless), retry
 * options, and a handler that re-reads what it needs and returns a word for the log.
 */
export type JobDefinition<D extends object> = {
  name: string;
  queue: QueueName;
  jobId: (data: D) => string;
  options?: JobsOptions;
  handle: (data: D, ctx: JobContext) => Promise<string>;
};

export const defineJob = <D extends object>(definition: JobDefinition<D>): JobDefinition<D> => definition;

/**
 * Messages: retried with exponential backoff for about an hour (a chat outage delays them), then
 * dead-lettered. Finished jobs are kept a day for the dashboard.
 */
export const deliveryJobOptions: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.3 },
  removeOnComplete: { age: 24 * 3600, count: 20_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/** Ticks and scans: kept two days, so their per-day job ids also deduplicate a late second tick. */
export const scheduleJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 2 * 24 * 3600 },
  removeOnFail: { age: 14 * 24 * 3600 },
};
