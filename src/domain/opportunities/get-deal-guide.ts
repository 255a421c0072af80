import type { EntityManager } from '@mikro-orm/postgresql';
import type { StageChecklists } from './checklists';
import { effectiveScoring, type ScoringSettings } from './scoring';

/** What a deal card needs from its tenant beyond the deal: the scoring settings and the exit checklists. */
export type DealGuide = { scoring: ScoringSettings; checklists: StageChecklists };

/**
 * Read fresh on every card (the chat layer's tenant is cached across requests, and an admin may
 * have changed either a moment ago). Not permission-checked: it is the tenant's configuration,
 * which every member's cards show anyway.
 */
export async function getDealGuide(em: EntityManager, tenantId: string): Promise<DealGuide> {
  const rows: Array<{ scoring_settings: Partial<ScoringSettings> | null; stage_checklists: StageChecklists | null }> = await em.execute(
    `select "scoring_settings", "stage_checklists" from "tenants" where "id" = ?`,
    [tenantId],
  );
  return { scoring: effectiveScoring(rows[0]?.scoring_settings), checklists: rows[0]?.stage_checklists ?? {} };
}
