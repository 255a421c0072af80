import type { MikroORM } from '../db/orm';
import type { OutboxTopic } from '../domain/outbox/write-outbox';
import type { Logger } from '../logger';
import type { Clock } from './clock';
import { outboxTopics } from './registry';
import { quietly, type JobQueues } from './queues';
import { ensureSchedules } from './schedules';

export type RelayOptions = {
  clock: Clock;
  /** How often to look for new rows when the last batch was not full. */
  pollMs: number;
  /** How often to check that published jobs still exist in Redis. */
  sweepMs: number;
  batchSize?: number;
  /** A Redis call taking longer than this counts as Redis being down. */
  redisTimeoutMs?: number;
};

type Row = { id: string; tenant_id: string; topic: string; aggregate_id: string; action: 'schedule' | 'cancel'; due_ms: number | null; payload: Record<string, unknown> };

const queueOf = (topic: string) => outboxTopics[topic as OutboxTopic]?.queue ?? 'deliveries';

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms).unref())]);

/**
 * Moves outbox rows into BullMQ. Rows are locked with `for update skip locked`, so any number of
 * relays (one per worker process) share the work; each row becomes a delayed job with a job id
 * derived from the row, so publishing a row twice (a crash before it was marked) adds nothing.
 * When Redis is down the transaction rolls back and the rows wait for the next try.
 *
 * The sweeper covers what the relay cannot see: a Redis that came back empty. Published rows
 * coming due whose job no longer exists are unpublished, and the relay publishes them again.
 */
export class OutboxRelay {
  private stopped = false;
  private running?: Promise<void>;
  private wake?: () => void;
  private nextSweep = 0;
  private sweepCursor = '0';
  private readonly batchSize: number;
  private readonly redisTimeoutMs: number;
  private readonly warn: (err: Error) => void;

  constructor(
    private readonly orm: MikroORM,
    private readonly queues: JobQueues,
    private readonly logger: Logger,
    private readonly options: RelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.redisTimeoutMs = options.redisTimeoutMs ?? 3000;
    this.warn = quietly(logger, 'outbox relay: a store did not answer (see store), rows kept for the next try;');
    // Redis is back, perhaps empty: look for lost jobs now. A short outage between two turns makes
    // no relay call fail, so the loop alone would leave it to the next sweep (OUTBOX_SWEEP_MS).
    queues.connection.on('ready', () => {
      this.nextSweep = 0;
      this.wake?.();
    });
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Finishes the batch in hand, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let published = 0;
      try {
        published = await this.relayOnce();
        // The store is back after an outage: what it may have lost is looked for now, not a sweep later.
        if (failures > 0) this.nextSweep = 0;
        failures = 0;
      } catch (err) {
        failures++;
        this.warn(err as Error);
      }
      if (!this.stopped && Date.now() >= this.nextSweep) {
        this.nextSweep = Date.now() + this.options.sweepMs;
        // A sweep that failed is tried again on the next turn, not a whole interval later.
        await this.sweepOnce().catch((err: Error) => {
          this.nextSweep = 0;
          this.warn(err);
        });
      }
      if (published < this.batchSize || failures > 0) await this.pause(failures ? Math.min(this.options.pollMs * 2 ** failures, 10_000) : this.options.pollMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => { clearTimeout(timer); resolve(); };
    });
  }

  /** Publishes one batch; returns how many rows it took. */
  async relayOnce(): Promise<number> {
    const em = this.orm.em.fork();
    return em.transactional(async (tx) => {
      const rows: Row[] = await tx.execute(
        `select id, tenant_id, topic, aggregate_id, action, (extract(epoch from due_at) * 1000)::float8 as due_ms, payload from outbox
          where published_at is null order by id limit ? for update skip locked`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const recordKey = (r: { topic: string; aggregate_id: string }) => `${r.topic}\u0000${r.aggregate_id}`;
      // The newest row of a record wins, whether it is in this batch or was published by another relay.
      const latest = new Map<string, Row>();
      for (const row of rows) latest.set(recordKey(row), row);
      const published: Array<{ id: string; topic: string; aggregate_id: string; job_id: string }> = await tx.execute(
        `select id, topic, aggregate_id, job_id from outbox
          where published_at is not null and settled_at is null and job_id is not null
            and (topic, aggregate_id) in (${[...latest.values()].map(() => '(?, ?)').join(', ')})`,
        [...latest.values()].flatMap((r) => [r.topic, r.aggregate_id]),
      );
      const current = [...latest.values()].filter((row) => !published.some((p) => recordKey(p) === recordKey(row) && BigInt(p.id) > BigInt(row.id)));
      // Jobs of older rows are superseded: remove them while they wait. Best effort only — a job
      // that already started re-reads its record and does nothing.
      const superseded = published.filter((p) => current.some((row) => recordKey(row) === recordKey(p) && BigInt(p.id) < BigInt(row.id)));

      const now = this.options.clock.now().getTime();
      const jobs = current.flatMap((row) => {
        if (row.action !== 'schedule') return [];
        const definition = outboxTopics[row.topic as OutboxTopic];
        if (!definition) {
          this.logger.error({ topic: row.topic, id: row.id }, 'outbox row with an unknown topic: skipped');
          return [];
        }
        const data = { ...row.payload, tenantId: row.tenant_id, outboxId: String(row.id) };
        const delay = Math.max(0, Math.round((row.due_ms ?? now) - now));
        return [{ row, definition, data, jobId: definition.jobId(data), delay }];
      });
      for (const queueName of new Set(jobs.map((j) => j.definition.queue))) {
        const batch = jobs.filter((j) => j.definition.queue === queueName);
        await withTimeout(
          this.queues.queue(queueName).addBulk(batch.map((j) => ({ name: j.definition.name, data: j.data, opts: { ...j.definition.options, jobId: j.jobId, delay: j.delay } }))),
          this.redisTimeoutMs,
        );
      }
      if (superseded.length) {
        await withTimeout(Promise.all(superseded.map((o) => this.queues.queue(queueOf(o.topic)).remove(o.job_id))), this.redisTimeoutMs);
        await tx.execute(`update outbox set settled_at = now() where id in (${superseded.map(() => '?').join(', ')})`, superseded.map((o) => o.id));
      }
      const queued = new Set(jobs.map((j) => j.row.id));
      const done = rows.filter((r) => !queued.has(r.id)).map((r) => r.id);
      if (done.length) await tx.execute(`update outbox set published_at = now(), settled_at = now() where id in (${done.map(() => '?').join(', ')})`, done);
      if (jobs.length) {
        await tx.execute(
          `update outbox o set published_at = now(), job_id = v.job_id
             from (select unnest(array[?]::bigint[]) as id, unnest(array[?]::text[]) as job_id) v where o.id = v.id`,
          [jobs.map((j) => j.row.id), jobs.map((j) => j.jobId)],
        );
      }
      return rows.length;
    });
  }

  /**
   * Checks published, unsettled rows due within two minutes (or overdue) against Redis: a missing
   * job is published again; a finished one settles the row. Also restores a lost job scheduler
   * (settled rows are pruned by the retention job, per tenant).
   */
  async sweepOnce(): Promise<{ republished: number; settled: number }> {
    const em = this.orm.em.fork();
    const horizon = new Date(this.options.clock.now().getTime() + 2 * 60_000);
    let republished = 0;
    let settled = 0;
    // Page by id: after a Redis that came back empty, every published row is to be checked, not the
    // first page; a sweep that stops at its cap leaves a cursor for the next one to go on from.
    let after = this.sweepCursor;
    this.sweepCursor = '0';
    for (let page = 0; ; page++) {
      const rows: Array<{ id: string; topic: string; job_id: string }> = await em.execute(
        `select id, topic, job_id from outbox
          where published_at is not null and settled_at is null and job_id is not null
            and published_at < now() - interval '5 seconds' and (due_at is null or due_at < ?) and id > ?
          order by id limit ?`,
        [horizon, after, sweepPageRows],
      );
      const checked = await this.checkAgainstRedis(em, rows);
      republished += checked.republished;
      settled += checked.settled;
      if (rows.length < sweepPageRows) break;
      if (page + 1 >= sweepMaxPages) {
        this.sweepCursor = rows[rows.length - 1]!.id;
        this.nextSweep = 0;
        this.logger.warn({ checked: sweepPageRows * sweepMaxPages }, 'outbox sweep: more unsettled rows than one sweep checks; going on at once');
        break;
      }
      after = rows[rows.length - 1]!.id;
    }
    if (republished) this.logger.warn({ rows: republished }, 'outbox sweep: jobs missing from Redis, publishing them again');
    await withTimeout(ensureSchedules(this.queues, { onlyIfMissing: true }), this.redisTimeoutMs);
    return { republished, settled };
  }

  /** A published row whose job Redis no longer knows is unpublished (the relay publishes it again); a finished one settles. */
  private async checkAgainstRedis(em: ReturnType<MikroORM['em']['fork']>, rows: Array<{ id: string; topic: string; job_id: string }>): Promise<{ republished: number; settled: number }> {
    if (rows.length === 0) return { republished: 0, settled: 0 };
    const states = await withTimeout(
      Promise.all(rows.map((r) => this.queues.queue(queueOf(r.topic)).getJobState(r.job_id))),
      this.redisTimeoutMs,
    );
    const lost = rows.filter((_, i) => states[i] === 'unknown').map((r) => r.id);
    const finished = rows.filter((_, i) => states[i] === 'completed' || states[i] === 'failed').map((r) => r.id);
    if (lost.length) await em.execute(`update outbox set published_at = null, job_id = null where settled_at is null and id in (${lost.map(() => '?').join(', ')})`, lost);
    if (finished.length) await em.execute(`update outbox set settled_at = now() where id in (${finished.map(() => '?').join(', ')})`, finished);
    return { republished: lost.length, settled: finished.length };
  }
}

/** Rows checked against Redis per query, and pages per sweep (50,000 rows, a few seconds of Redis calls). */
const sweepPageRows = 1000;
const sweepMaxPages = 50;
