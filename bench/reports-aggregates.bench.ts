/**
 * Benchmark of the report aggregates alone (no charts, no posting): one tenant of 100 managers ×
 * 10 reps with 1,000,000 interactions and 200,000 opportunities generated in SQL, then every
 * manager's weekly team report. Each aggregate query is timed on its own (one after the other, so
 * none waits behind its siblings), then the whole report as it runs in production (queries in
 * parallel), the churn list, and a few organisation-wide reports for scale.
 *
 *   npx tsx bench/reports-aggregates.bench.ts   (MANAGERS=100 REPS=10 INTERACTIONS=1000000 OPPORTUNITIES=200000)
 */
import { createTestDatabase } from '../test/support/test-database';
import { buildKpiReport, reportReach } from '../src/domain/reports/build-kpi-report';
import { KpiQueries, breakdownDimensions, type BreakdownName } from '../src/domain/reports/kpi-queries';
import { listChurnRisks } from '../src/domain/reports/list-churn-risks';
import { periodWindow } from '../src/domain/reports/report-period';
import { resolveAccess } from '../src/domain/shared/access';
import { systemActor, userActor } from '../src/domain/shared/actor';
import { generateReportData } from './reports-data';

const shape = {
  managers: Number(process.env.MANAGERS ?? 100),
  repsPerManager: Number(process.env.REPS ?? 10),
  interactions: Number(process.env.INTERACTIONS ?? 1_000_000),
  opportunities: Number(process.env.OPPORTUNITIES ?? 200_000),
};
const at = new Date();
const zone = 'Asia/Shanghai';

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const ms = (n: number) => `${n.toFixed(1).padStart(7)} ms`;

async function timed<T>(into: Map<string, number[]>, name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  const list = into.get(name) ?? [];
  list.push(performance.now() - started);
  into.set(name, list);
  return result;
}

async function main() {
  const db = await createTestDatabase();
  const { orm } = db;
  try {
    const t0 = performance.now();
    const { tenantId, managerIds } = await generateReportData(orm.em.fork(), shape);
    console.log(
      `data: ${shape.managers} managers × ${shape.repsPerManager} reps, ${shape.interactions.toLocaleString('en')} interactions, ` +
        `${shape.opportunities.toLocaleString('en')} opportunities generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const times = new Map<string, number[]>();
    const window = periodWindow('weekly', at, zone);
    const oneReport = async (managerId: string, into: Map<string, number[]>) => {
      const em = orm.em.fork();
      const access = await resolveAccess(em, userActor(tenantId, managerId, 'manager'));
      const q = new KpiQueries(em, { ...(await reportReach(em, access, 'team')), currency: 'USD' }, window);
      await timed(into, 'closed deals (won/lost, 2 periods)', () => q.closedDeals());
      await timed(into, 'visits done', () => q.visits());
      await timed(into, 'new customers', () => q.newCustomers());
      await timed(into, 'open pipeline by stage, now', () => q.pipelineNow());
      await timed(into, 'open pipeline at a week\'s start', () => q.pipelineAt(window.start));
      for (const name of Object.keys(breakdownDimensions) as BreakdownName[]) await timed(into, `revenue by ${name}`, () => q.revenueBy(name));
      await timed(into, 'trend (12 weeks)', () => q.trend('weekly', zone));
      await timed(into, 'other currencies', () => q.otherCurrencies());
      await timed(into, 'whole report (parallel)', () => buildKpiReport(orm.em.fork(), userActor(tenantId, managerId, 'manager'), { period: 'weekly', scope: 'team', at, timezone: zone }));
      await timed(into, 'churn list (60 quiet days)', () => listChurnRisks(orm.em.fork(), userActor(tenantId, managerId, 'manager'), { quietDays: 60, at }));
    };
    await oneReport(managerIds[0]!, new Map()); // warm-up: connections, plans, caches
    for (const managerId of managerIds) await oneReport(managerId, times);

    console.log(`\nweekly team reports of ${managerIds.length} managers (each ~${shape.repsPerManager} reps), target p95 < 200 ms per query:`);
    console.log(`  ${'query'.padEnd(34)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'max'.padStart(10)}`);
    for (const [name, list] of times) console.log(`  ${name.padEnd(34)} ${ms(pct(list, 50))} ${ms(pct(list, 95))} ${ms(Math.max(...list))}`);
    const single = [...times].filter(([name]) => !/whole|churn/.test(name)).flatMap(([, list]) => list);
    console.log(`  ${'every aggregate query'.padEnd(34)} ${ms(pct(single, 50))} ${ms(pct(single, 95))} ${ms(Math.max(...single))}`);

    const org = new Map<string, number[]>();
    for (let i = 0; i < 5; i++) {
      await timed(org, 'org weekly report', () => buildKpiReport(orm.em.fork(), systemActor(tenantId, 'bench'), { period: 'weekly', scope: 'org', at, timezone: zone }));
      await timed(org, 'org yearly report', () => buildKpiReport(orm.em.fork(), systemActor(tenantId, 'bench'), { period: 'yearly', scope: 'org', at, timezone: zone }));
    }
    console.log(`\nfor scale, the whole tenant (5 runs each):`);
    for (const [name, list] of org) console.log(`  ${name.padEnd(34)} p50 ${ms(pct(list, 50))}   max ${ms(Math.max(...list))}`);
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
