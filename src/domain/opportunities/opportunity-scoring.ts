import type { EntityManager } from '@mikro-orm/postgresql';
import { openStages, type Opportunity } from './opportunity.entity';
import { computeScore, effectiveScoring, type ScoringSettings } from './scoring';

/**
 * The tenant's scoring settings, read with a share lock inside the caller's transaction: a
 * change of settings (which locks the row for update and re-scores every open deal) and a
 * rating or signal boost then happen one after the other, never with a deal scored by the old
 * weights after the re-scoring has passed it.
 *
 * Lock order: take this BEFORE locking the deals you will re-score (tenant, then deals, as the
 * settings change does). Locking a deal first and then waiting here can deadlock with a settings
 * change that holds the tenant and waits for that deal (PostgreSQL then aborts one of the two).
 */
export async function lockedScoringSettings(em: EntityManager, tenantId: string): Promise<ScoringSettings> {
  const rows: Array<{ scoring_settings: Partial<ScoringSettings> | null }> = await em.execute(
    `select "scoring_settings" from "tenants" where "id" = ? ${em.isInTransaction() ? 'for share' : ''}`,
    [tenantId],
  );
  return effectiveScoring(rows[0]?.scoring_settings);
}

/**
 * Sets a deal's score and win probability from its ratings and signal boost, with the tenant's
 * settings. Call it (in the same transaction) after changing `scoreInputs` or `signalBoost`,
 * passing the settings read with lockedScoringSettings before the deal was locked (see there);
 * without them it reads them itself, which is safe only when the deal row is not locked yet.
 */
export async function refreshOpportunityScore(em: EntityManager, opportunity: Opportunity, settings?: ScoringSettings): Promise<Opportunity> {
  settings ??= await lockedScoringSettings(em, opportunity.tenantId);
  Object.assign(opportunity, computeScore(opportunity.scoreInputs ?? {}, opportunity.signalBoost ?? 0, settings));
  return opportunity;
}

const batchSize = 5000;

/**
 * Re-scores every open deal of a tenant with `settings`, in the caller's transaction: reads the
 * ratings a batch at a time (keyset by id) and writes the changed rows of each batch with one
 * statement. Closed deals keep the score they closed with. Returns how many open deals it went
 * through (all of them, changed or not).
 */
export async function rescoreOpenOpportunities(em: EntityManager, tenantId: string, settings: ScoringSettings): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let seen = 0;
  for (;;) {
    const rows: Array<{ id: string; score_inputs: Opportunity['scoreInputs']; signal_boost: number; score: number | null; win_probability: number | null }> = await em.execute(
      `select "id", "score_inputs", "signal_boost", "score", "win_probability" from "opportunities"
        where "tenant_id" = ? and "stage" in (${openStages.map(() => '?').join(', ')}) and "id" > ?
        order by "id" limit ${batchSize} for update`,
      [tenantId, ...openStages, after],
    );
    if (rows.length === 0) break;
    seen += rows.length;
    after = rows.at(-1)!.id;
    const changed = rows.flatMap((r) => {
      const next = computeScore(r.score_inputs ?? {}, r.signal_boost ?? 0, settings);
      return next.score === r.score && next.winProbability === r.win_probability ? [] : [{ id: r.id, score: next.score, win: next.winProbability }];
    });
    if (changed.length > 0) {
      await em.execute(
        `update "opportunities" as o set "score" = v."score", "win_probability" = v."win"
           from jsonb_to_recordset(?::jsonb) as v("id" uuid, "score" int, "win" int)
          where o."id" = v."id" and o."tenant_id" = ?`,
        [JSON.stringify(changed), tenantId],
      );
    }
    if (rows.length < batchSize) break;
  }
  return seen;
}
