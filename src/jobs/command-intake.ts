import type { MikroORM } from '../db/orm';
import type { Logger } from '../logger';
import { chatCommandJob, type QueuedCommand } from './chat-command.job';
import { quietly, type JobQueues } from './queues';

export type IntakeOptions = {
  /**
   * A queued command waits this long unless released first: the web process releases it once its
   * ack is sent, so the answer never overtakes the ack; if the process dies in between, the
   * command still runs when this passes.
   */
  holdMs: number;
  /** How long to wait for Redis before writing the command to PostgreSQL instead. */
  redisWaitMs: number;
  /** How long to wait for PostgreSQL, in all, when Redis did not answer (the ack must leave within Slack's 3 s). */
  postgresWaitMs: number;
  /** A command kept in PostgreSQL is run by the web process at once; a worker takes it over after this (JOB_LOCK_MS). */
  takeoverMs: number;
};

export const defaultIntakeOptions: IntakeOptions = { holdMs: 3000, redisWaitMs: 500, postgresWaitMs: 1500, takeoverMs: 30_000 };

/** The command's workspace has no tenant here: there is nobody to run it as (not a matter of waiting). */
export class UnknownWorkspace extends Error {
  constructor() {
    super('unknown workspace');
    this.name = 'UnknownWorkspace';
  }
}

/** What to do once the ack is sent. */
export type Release = () => void;

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

/**
 * Makes a command durable before anyone acknowledges it: a held job in Redis, or — when Redis does
 * not answer in time — a row in PostgreSQL's outbox that the web process runs at once and a
 * worker takes over if the web process dies. Throws when neither store took it: then nothing may
 * be promised to the person.
 */
export class CommandIntake {
  private readonly warn: (err: Error) => void;

  constructor(
    private readonly queues: JobQueues,
    private readonly orm: MikroORM,
    logger: Logger,
    /** Runs a command here, the way a worker would (used when it was kept in PostgreSQL). */
    private readonly runHere: (command: QueuedCommand) => Promise<unknown>,
    private readonly options: IntakeOptions = defaultIntakeOptions,
  ) {
    this.warn = quietly(logger, 'command queue unavailable: keeping commands in PostgreSQL;');
  }

  async submit(command: QueuedCommand, tenantOf: () => Promise<string | null>): Promise<Release> {
    try {
      const job = await this.queues.addSoon(chatCommandJob, command, { waitMs: this.options.redisWaitMs, delay: this.options.holdMs });
      return () => void job.promote().catch(() => undefined);
    } catch (err) {
      this.warn(err as Error);
    }
    // One budget for both queries: the ack has to leave in time whichever of them is slow.
    const outboxId = await withTimeout(
      tenantOf().then((tenantId) => {
        if (!tenantId) throw new UnknownWorkspace();
        return this.keep(command, tenantId);
      }),
      this.options.postgresWaitMs,
      'PostgreSQL',
    );
    return () => void this.runHere(command).then(() => this.settle(outboxId), () => undefined);
  }

  private async keep(command: QueuedCommand, tenantId: string): Promise<string> {
    const rows: Array<{ id: string }> = await this.orm.em.fork().getConnection().execute(
      `insert into outbox (tenant_id, topic, aggregate_id, action, due_at, payload, created_at) values (?, 'chat.command', ?, 'schedule', now() + (? * interval '1 millisecond'), ?, now()) returning id`,
      [tenantId, command.key.slice(0, 64), this.options.takeoverMs, JSON.stringify(command)],
    );
    return String(rows[0]!.id);
  }

  /** Done here: the relay need not hand it to a worker (if it already did, the worker finds it answered). */
  private async settle(outboxId: string): Promise<void> {
    await this.orm.em.fork().getConnection().execute(`update outbox set published_at = coalesce(published_at, now()), settled_at = now() where id = ?`, [outboxId]).catch(() => undefined);
  }
}
