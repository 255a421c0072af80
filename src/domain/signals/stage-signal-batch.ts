import type { EntityManager } from '@mikro-orm/postgresql';

export type StagedBatch = {
  tenantId: string;
  apiKeyId: string | null;
  /**
   * The request body exactly as received: no jsonb conversion, nothing re-serialised. The bytes
   * themselves when they are valid UTF-8 (sent to PostgreSQL as they are, no second encoding);
   * otherwise the decoded text (what was parsed, with U+FFFD for the broken sequences).
   */
  body: string | Buffer;
  /** Indexes of the events the worker leaves out (rejected, or repeated within the batch). */
  skip: number[];
};

/**
 * Keeps a checked `POST /api/signals` request as one `signal_batches` row, durable before the
 * endpoint answers 202: one single-row insert whatever the number of events. The worker expands
 * it into `signal_events` (expand-signal-batches.ts), where ids stored before are recognised.
 */
export async function stageSignalBatch(em: EntityManager, batch: StagedBatch): Promise<void> {
  // Through knex with bind parameters, not `em.execute`: MikroORM's execute inlines every parameter
  // into the SQL text, escaping the whole body in JavaScript and making PostgreSQL lex it as a
  // literal — for a 300 KB body that was most of the request's time (bench:signals).
  await em.getKnex().raw(`insert into signal_batches (tenant_id, api_key_id, body, skip) values (?, ?, ?, ?::int[])`, [batch.tenantId, batch.apiKeyId, batch.body, `{${batch.skip.join(',')}}`]);
}
