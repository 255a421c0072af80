import type { EntityManager } from '@mikro-orm/postgresql';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import type { SignalCustomerRef, SignalType } from './signal-event.entity';

/** Unmatched signals of one sender's customer reference: who, what, when, and why no customer. */
export type UnmatchedGroup = {
  ref: SignalCustomerRef;
  count: number;
  types: SignalType[];
  productSkus: string[];
  lastUrl: string | null;
  lastAt: Date;
  /** `ambiguous`: several customers fit; `unknown`: none. */
  reason: 'ambiguous' | 'unknown';
};

export const unmatchedDays = 30;

/**
 * Signals of the last 30 days that matched no customer, grouped by the reference the sender gave
 * (newest first): what admins look at to add a customer, an external id or a website. Admins only.
 */
export async function listUnmatchedSignals(em: EntityManager, actor: Actor, opts: { now?: Date; limit?: number } = {}): Promise<{ groups: UnmatchedGroup[]; total: number }> {
  const access = await resolveAccess(em, actor);
  requireRole(access, ['admin'], 'see unmatched signals');
  const since = new Date((opts.now ?? new Date()).getTime() - unmatchedDays * 24 * 3600_000);
  const limit = Math.min(Math.max(1, Math.trunc(opts.limit ?? 15)), 50);
  const rows: Array<{ ref: SignalCustomerRef; n: number; types: SignalType[]; skus: string[] | null; last_url: string | null; last_at: Date; ambiguous: boolean; groups: number }> = await em.execute(
    `select customer_ref as ref, count(*)::int as n, array_agg(distinct type) as types,
            array_remove(array_agg(distinct product_sku), null) as skus,
            (array_agg(url order by occurred_at desc, id desc) filter (where url is not null))[1] as last_url, max(occurred_at) as last_at,
            bool_or(resolution = 'ambiguous') as ambiguous, (count(*) over ())::int as groups
       from signal_events
      where tenant_id = ? and status = 'unmatched' and received_at >= ?
      group by customer_ref
      order by max(occurred_at) desc
      limit ?`,
    [access.tenantId, since, limit],
  );
  return {
    groups: rows.map((r) => ({ ref: r.ref, count: r.n, types: r.types, productSkus: (r.skus ?? []).slice(0, 5), lastUrl: r.last_url, lastAt: new Date(r.last_at), reason: r.ambiguous ? 'ambiguous' : 'unknown' })),
    total: rows[0]?.groups ?? 0,
  };
}
