import type { EntityManager } from '@mikro-orm/postgresql';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { SignalRule } from './signal-rule.entity';

export type SignalRulesOverview = {
  rules: Array<{ rule: SignalRule; firedLast7Days: number }>;
  /** Events received in the last 7 days, by what became of them. */
  last7Days: { matched: number; unmatched: number; pending: number };
};

/** The tenant's signal rules (by name) with how often each fired this week, and this week's signals. Admins only. */
export async function listSignalRules(em: EntityManager, actor: Actor, now = new Date()): Promise<SignalRulesOverview> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'see signal rules');
  const since = new Date(now.getTime() - 7 * 24 * 3600_000);
  const rules = await em.find(SignalRule, { tenantId: access.tenantId }, { orderBy: { name: 'asc', id: 'asc' } });
  const fired: Array<{ rule_id: string; n: number }> = await em.execute(
    `select rule_id, count(*)::int as n from signal_matches where tenant_id = ? and fired_at >= ? and rule_id is not null group by rule_id`,
    [access.tenantId, since],
  );
  const counts: Array<{ status: string; n: number }> = await em.execute(
    `select status, count(*)::int as n from signal_events where tenant_id = ? and received_at >= ? group by status`,
    [access.tenantId, since],
  );
  const of = (status: string) => counts.find((c) => c.status === status)?.n ?? 0;
  return {
    rules: rules.map((rule) => ({ rule, firedLast7Days: fired.find((f) => f.rule_id === rule.id)?.n ?? 0 })),
    last7Days: { matched: of('matched'), unmatched: of('unmatched'), pending: of('pending') },
  };
}
