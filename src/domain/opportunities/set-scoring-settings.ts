import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { parseInput } from '../shared/validate';
import { Tenant } from '../tenants/tenant.entity';
import { rescoreOpenOpportunities } from './opportunity-scoring';
import { scoreFactors, type ScoreFactor } from './score-opportunity';
import { effectiveScoring, scoringProblems, type ScoringProblem, type ScoringSettings } from './scoring';

const pct = z.number().int('must be a whole number').min(0).max(100);
const schema = z
  .object({
    weights: z.object(Object.fromEntries(scoreFactors.map((f) => [f, pct.optional()])) as Record<ScoreFactor, z.ZodOptional<typeof pct>>).strict().optional(),
    curve: z.array(z.tuple([pct, pct])).min(2).max(10).optional(),
    bands: z.object({ high: pct, medium: pct }).partial().strict().optional(),
  })
  .strict();

/** What to change: any of weights (factors not named keep theirs), the whole curve, the bands; or `reset` to the defaults. */
export type ScoringChange = z.input<typeof schema> | 'reset';

/** The settings as they would be after a change, and what is wrong with them (nothing: they can be saved). */
export function previewScoringChange(current: ScoringSettings, change: Exclude<ScoringChange, 'reset'>): { settings: ScoringSettings; problems: ScoringProblem[] } {
  const settings: ScoringSettings = {
    weights: { ...current.weights, ...(Object.fromEntries(Object.entries(change.weights ?? {}).filter(([, v]) => v !== undefined)) as Partial<ScoringSettings['weights']>) },
    curve: change.curve ? change.curve.map(([s, p]) => [s, p] as const) : current.curve,
    bands: { ...current.bands, ...(Object.fromEntries(Object.entries(change.bands ?? {}).filter(([, v]) => v !== undefined)) as Partial<ScoringSettings['bands']>) },
  };
  return { settings, problems: scoringProblems(settings) };
}

/**
 * Admins change how deals are scored; every open deal of the tenant is re-scored in the same
 * transaction (batched: a few statements for 10,000 deals), closed ones keep their score. The
 * tenant row is locked for the change, so a rating made meanwhile waits and uses the new settings.
 * A change that leaves the effective settings as they are (or a reset of settings already at the
 * defaults) writes nothing, re-scores nothing and answers `changed: false`.
 */
export async function setScoringSettings(em: EntityManager, actor: Actor, change: ScoringChange): Promise<{ settings: ScoringSettings; rescored: number; changed: boolean }> {
  const data = change === 'reset' ? 'reset' : parseInput(schema, change);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change how deals are scored');
    const tenant = await tx.findOneOrFail(Tenant, { id: access.tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const before = effectiveScoring(tenant.scoringSettings);
    let settings: ScoringSettings;
    if (data === 'reset') {
      if (Object.keys(tenant.scoringSettings ?? {}).length === 0) return { settings: before, rescored: 0, changed: false };
      tenant.scoringSettings = {};
      settings = effectiveScoring({});
    } else {
      const preview = previewScoringChange(before, data);
      if (preview.problems.length > 0) {
        throw invalidInput(
          `These scoring settings do not work: ${preview.problems.map((p) => p.kind).join(', ')}.`,
          preview.problems.map((p) => ({ field: p.kind.startsWith('curve') ? 'curve' : p.kind === 'bands' ? 'bands' : 'weights', problem: p.kind, code: 'invalid' as const })),
          { problems: preview.problems },
        );
      }
      settings = preview.settings;
      if (JSON.stringify(settings) === JSON.stringify(before)) return { settings: before, rescored: 0, changed: false };
      // Only the parts an admin set are stored: the others keep following the defaults.
      tenant.scoringSettings = {
        ...(tenant.scoringSettings ?? {}),
        ...(data.weights ? { weights: settings.weights } : {}),
        ...(data.curve ? { curve: settings.curve.map(([s, p]) => [s, p] as const) } : {}),
        ...(data.bands ? { bands: settings.bands } : {}),
      };
    }
    await tx.flush();
    const rescored = await rescoreOpenOpportunities(tx, access.tenantId, settings);
    recordAudit(tx, access, data === 'reset' ? 'tenant.scoring.reset' : 'tenant.scoring', { type: 'tenant', id: tenant.id }, { scoring: before }, { scoring: settings, rescored });
    return { settings, rescored, changed: true };
  });
}
