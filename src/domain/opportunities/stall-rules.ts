import type { Opportunity, Stage } from './opportunity.entity';

/** Days a deal may sit in each open stage before a nudge; tenants may override per stage. */
export const defaultStallDays: Readonly<Record<Stage, number>> = {
  initial_contact: 14,
  solution: 21,
  quote: 14,
  negotiation: 21,
  won: 0,
  lost: 0,
};
/** A deal scored at least this high deserves attention when nobody has talked to the customer lately. */
export const hotScore = 70;
export const quietDays = 14;

export type StallReason =
  | { kind: 'stage_too_long'; stage: Stage; days: number; limit: number }
  | { kind: 'close_date_passed'; date: string }
  | { kind: 'no_next_step' }
  | { kind: 'hot_but_quiet'; score: number; days: number };

export type StallContext = {
  now: Date;
  /** Today in the tenant's time zone (YYYY-MM-DD): a close date is past once that day is over. */
  today: string;
  /** The last done interaction with the customer or on the deal, if any. */
  lastActivityAt: Date | null;
  stallDays?: Partial<Record<Stage, number>>;
};

const dayMs = 24 * 3600_000;
const daysSince = (from: Date, now: Date) => Math.floor((now.getTime() - from.getTime()) / dayMs);

/** Why an open deal needs a nudge; empty when it does not. Pure, so every rule is unit-tested. */
export function stallReasons(
  o: Pick<Opportunity, 'stage' | 'stageChangedAt' | 'expectedCloseDate' | 'nextStep' | 'score' | 'createdAt'>,
  ctx: StallContext,
): StallReason[] {
  if (o.stage === 'won' || o.stage === 'lost') return [];
  const reasons: StallReason[] = [];
  const stage = o.stage as Stage;
  const override = ctx.stallDays?.[stage];
  const limit = typeof override === 'number' && override > 0 ? override : defaultStallDays[stage];
  const inStage = daysSince(o.stageChangedAt, ctx.now);
  if (inStage > limit) reasons.push({ kind: 'stage_too_long', stage, days: inStage, limit });
  if (o.expectedCloseDate && o.expectedCloseDate < ctx.today) reasons.push({ kind: 'close_date_passed', date: o.expectedCloseDate });
  if (!o.nextStep?.trim()) reasons.push({ kind: 'no_next_step' });
  if (o.score != null && o.score >= hotScore) {
    // A deal opened yesterday on an old customer has not been quiet for two weeks.
    const since = ctx.lastActivityAt && ctx.lastActivityAt > o.createdAt ? ctx.lastActivityAt : o.createdAt;
    const quiet = daysSince(since, ctx.now);
    if (quiet >= quietDays) reasons.push({ kind: 'hot_but_quiet', score: o.score, days: quiet });
  }
  return reasons;
}
