import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { parseInput } from '../shared/validate';
import { loadOpportunity, requireOpen } from './opportunity-access';
import type { Opportunity, ScoreInputs } from './opportunity.entity';
import { lockedScoringSettings, refreshOpportunityScore } from './opportunity-scoring';
import { scoreFactors, type ScoreFactor } from './score-opportunity';

const rating = z.number().int('must be a whole number').min(0, 'must be 0 to 5').max(5, 'must be 0 to 5').nullish();
const schema = z.object(Object.fromEntries(scoreFactors.map((f) => [f, rating])) as Record<ScoreFactor, typeof rating>).strict();
/** The five ratings, 0–5 each (competition: 5 = little competition); null or left out = not rated. */
export type Ratings = z.input<typeof schema>;

/**
 * Sets a deal's five ratings (they replace the previous ones: a factor left out is no longer
 * rated) and recomputes its score and win probability with the tenant's settings. The owner,
 * their managers and admins may; the same ratings twice leave the deal as it was.
 */
export async function rateOpportunity(em: EntityManager, actor: Actor, opportunityId: string, ratings: Ratings): Promise<Opportunity> {
  const parsed = parseInput(schema, ratings);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    // The tenant's settings before the deal is locked: the lock order of a settings change.
    const settings = await lockedScoringSettings(tx, access.tenantId);
    const opportunity = await loadOpportunity(tx, access, opportunityId, 'write');
    requireOpen(opportunity);
    const before = snapshot(opportunity);
    const inputs: ScoreInputs = {};
    for (const f of scoreFactors) if (parsed[f] !== null && parsed[f] !== undefined) inputs[f] = parsed[f];
    opportunity.scoreInputs = inputs;
    await refreshOpportunityScore(tx, opportunity, settings);
    recordAudit(tx, access, 'opportunity.rate', { type: 'opportunity', id: opportunity.id }, before, snapshot(opportunity));
    return opportunity;
  });
}
