import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { parseInput } from '../shared/validate';
import { loadOpportunity, requireOpen } from './opportunity-access';
import type { Opportunity } from './opportunity.entity';

const daysSchema = z.number({ message: 'must be a number of days' }).int('must be whole days').min(1, 'must be at least 1').max(90, 'must be at most 90');

/**
 * Mutes nudges about a deal for some days (the digest offers 3 and 7). Snoozing again sets a new
 * end counted from now, so a double click changes nothing that matters.
 */
export async function snoozeOpportunity(em: EntityManager, actor: Actor, opportunityId: string, days: number): Promise<Opportunity> {
  const span = parseInput(daysSchema, days);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    const opportunity = await loadOpportunity(tx, access, opportunityId, 'write');
    requireOpen(opportunity);
    const before = snapshot(opportunity);
    opportunity.snoozedUntil = new Date(Date.now() + span * 24 * 3600_000);
    recordAudit(tx, access, 'opportunity.snooze', { type: 'opportunity', id: opportunity.id }, before, snapshot(opportunity));
    return opportunity;
  });
}
