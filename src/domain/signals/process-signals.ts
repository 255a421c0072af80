import type { EntityManager } from '@mikro-orm/postgresql';

export type ProcessedSignals = { processed: number; matched: number; unmatched: number; more: boolean };

/**
 * Processes up to `limit` pending signal events of one tenant, oldest first: resolves each to a
 * customer and runs the tenant's signal rules, marking the events in the same transaction as the
 * rules' effects. Rows are taken with `for update skip locked`, so workers running it at once
 * never process an event twice. `more` says pending events remain.
 */
export async function processPendingSignals(_em: EntityManager, _input: { tenantId: string; now: Date; limit: number }): Promise<ProcessedSignals> {
  throw new Error('processPendingSignals: not built yet (issue 16, signal rules)');
}
