import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReportReach } from '../reports/kpi-queries';

/** Open deals closing in a month: weighted (amount × probability), commit and best case, exact. */
export type PipelineMonth = { month: string; deals: number; weighted: string; commit: string; bestCase: string };

export type PipelineView = {
  /** The forecast months, in order (a month with no deals has zeros). */
  months: PipelineMonth[];
  /** Expected to close before the first forecast month but still open. */
  overdue: PipelineMonth;
  /** Open deals without an expected close date. */
  undated: PipelineMonth;
};

/**
 * The open pipeline beside the statistical forecast, by expected close month: weighted is
 * amount × probability; commit counts deals in negotiation or at 70 % or more; best case counts
 * every open deal. Today's open deals of today's owners, in the tenant's currency.
 */
export async function pipelineByMonth(em: EntityManager, reach: ReportReach, input: { first: string; months: number }): Promise<PipelineView> {
  const whose = reach.person ? { sql: ' and owner_id = ?', params: [reach.person] } : reach.members ? { sql: ' and owner_id = any(?::uuid[])', params: [`{${reach.members.join(',')}}`] } : { sql: '', params: [] };
  const rows = await em.execute<Array<{ bucket: string; deals: number; weighted: string; commit: string; best: string }>>(
    `select case when expected_close_date is null then 'undated' when to_char(expected_close_date, 'YYYY-MM') < ? then 'overdue' else to_char(expected_close_date, 'YYYY-MM') end as bucket,
            count(*)::int as deals,
            round(sum(amount * probability / 100.0), 2)::text as weighted,
            coalesce(sum(amount) filter (where stage = 'negotiation' or probability >= 70), 0)::numeric(16,2)::text as commit,
            sum(amount)::text as best
       from opportunities
      where tenant_id = ? and currency = ? and stage in ('initial_contact', 'solution', 'quote', 'negotiation')${whose.sql}
      group by 1`,
    [input.first, reach.tenantId, reach.currency, ...whose.params],
  );
  const of = (bucket: string): PipelineMonth => {
    const r = rows.find((x) => x.bucket === bucket);
    return { month: bucket, deals: r?.deals ?? 0, weighted: r?.weighted ?? '0.00', commit: r?.commit ?? '0.00', bestCase: r?.best ?? '0.00' };
  };
  const [y, m] = input.first.split('-').map(Number) as [number, number];
  const months = Array.from({ length: input.months }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 + i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
  return { months: months.map(of), overdue: { ...of('overdue'), month: '' }, undated: { ...of('undated'), month: '' } };
}
