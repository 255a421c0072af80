/**
 * Benchmark: weekly reports for every manager of a large tenant (100 managers × 10 reps,
 * 1,000,000 interactions, 200,000 opportunities, generated in SQL). Prints the aggregate query
 * times (p50/p95 per query), the chart render time beside a bare chartjs-node-canvas render of
 * the same chart, and the full run: all weekly reports built, rendered and posted to the fake
 * Slack by a worker process (the compiled service) — total time, per-report p50/p99, peak RSS.
 *
 *   npm run bench:reports     (MANAGERS=100 REPS=10 INTERACTIONS=1000000 OPPORTUNITIES=200000 CONCURRENCY=4)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { Redis } from 'ioredis';
import { reportChartModel } from '../src/cards/presenters/report-card';
import { translator } from '../src/cards/i18n/i18n';
import { chartSize, renderChart } from '../src/cards/charts/chart-renderer';
import { pipelineChart, revenueByRepChart, trendChart } from '../src/cards/charts/report-charts';
import { buildKpiReport } from '../src/domain/reports/build-kpi-report';
import { userActor } from '../src/domain/shared/actor';
import { reportPostJob, type ReportPostData } from '../src/jobs/report-post.job';
import { startFakeSlack } from '../test/support/fake-slack';
import { createTestDatabase } from '../test/support/test-database';
import { spawnWorker } from '../test/support/spawn-worker';
import { generateReportData } from './reports-data';

const shape = {
  managers: Number(process.env.MANAGERS ?? 100),
  repsPerManager: Number(process.env.REPS ?? 10),
  customersPerRep: 20,
  interactions: Number(process.env.INTERACTIONS ?? 1_000_000),
  opportunities: Number(process.env.OPPORTUNITIES ?? 200_000),
};
const at = new Date();
const zone = 'Asia/Shanghai';

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main() {
  const db = await createTestDatabase();
  const { orm, url: databaseUrl } = db;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `sfa-bench-${randomBytes(3).toString('hex')}`;
  const fake = await startFakeSlack({ team: { id: 'TREPORTS', name: 'Bench Co' } });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const deliveries = new Queue('deliveries', { connection: redis, prefix });
  let worker: Awaited<ReturnType<typeof spawnWorker>> | undefined;
  try {
    let t0 = performance.now();
    const { tenantId, managerIds } = await generateReportData(orm.em.fork(), shape);
    console.log(`data: ${shape.managers} managers × ${shape.repsPerManager} reps, ${shape.interactions.toLocaleString('en')} interactions, ${shape.opportunities.toLocaleString('en')} opportunities generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // 1. Aggregate queries, each timed, for every manager's weekly team report.
    const queryTimes = new Map<number, number[]>();
    const reportTimes: number[] = [];
    for (const managerId of managerIds) {
      const em = orm.em.fork();
      const execute = em.execute.bind(em);
      let n = 0;
      em.execute = (async (...args: Parameters<typeof execute>) => {
        const index = n++;
        const started = performance.now();
        try {
          return await execute(...args);
        } finally {
          const list = queryTimes.get(index) ?? [];
          list.push(performance.now() - started);
          queryTimes.set(index, list);
        }
      }) as typeof em.execute;
      const started = performance.now();
      await buildKpiReport(em, userActor(tenantId, managerId, 'manager'), { period: 'weekly', scope: 'team', at, timezone: zone });
      reportTimes.push(performance.now() - started);
    }
    const allQueries = [...queryTimes.values()].flat();
    console.log(`\naggregate queries (${allQueries.length} across ${managerIds.length} weekly team reports):`);
    console.log(`  all queries: p50 ${ms(pct(allQueries, 50))}  p95 ${ms(pct(allQueries, 95))}  max ${ms(Math.max(...allQueries))}   (target p95 < 200 ms)`);
    console.log(`  per report (all queries, partly in parallel): p50 ${ms(pct(reportTimes, 50))}  p95 ${ms(pct(reportTimes, 95))}`);

    // 2. Chart rendering beside a bare chartjs-node-canvas of the same size and chart.
    const report = await buildKpiReport(orm.em.fork(), userActor(tenantId, managerIds[0]!, 'manager'), { period: 'weekly', scope: 'team', at, timezone: zone });
    const model = reportChartModel(report, { t: translator('zh-CN'), locale: 'zh-CN' });
    const bare = new ChartJSNodeCanvas({ ...chartSize });
    const rounds = 60;
    console.log(`\nchart render (${rounds} each, Chinese labels, ${chartSize.width}×${chartSize.height}):`);
    for (const [name, build] of [['bar', revenueByRepChart], ['line', trendChart], ['doughnut', pipelineChart]] as const) {
      await renderChart(build(model));
      await bare.renderToBuffer(build(model));
      // Interleaved, so both see the same machine (GC, other load) over the run.
      let ours = 0;
      let baseline = 0;
      for (let i = 0; i < rounds; i++) {
        let started = performance.now();
        await renderChart(build(model));
        ours += (performance.now() - started) / rounds;
        started = performance.now();
        await bare.renderToBuffer(build(model));
        baseline += (performance.now() - started) / rounds;
      }
      console.log(`  ${name.padEnd(9)} ours ${ms(ours)}  bare ${ms(baseline)}  ratio ${(ours / baseline).toFixed(2)}×   (target ≤ 1.2×)`);
    }

    // 3. The full run: a worker process builds, renders and posts every manager's weekly report.
    const entry = path.resolve(__dirname, '../dist/src/main.js');
    if (!fs.existsSync(entry)) throw new Error('run `npm run build` first (the benchmark measures the compiled worker)');
    worker = await spawnWorker(
      { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: fake.url, WORKER_CONCURRENCY: process.env.CONCURRENCY ?? '4' },
      { entry },
    );
    const pid = worker.child.pid!;
    t0 = performance.now();
    for (const managerId of managerIds) {
      const data: ReportPostData = { tenantId, requesterId: managerId, scope: 'team', period: 'weekly', at: at.toISOString(), timezone: zone, to: { userId: managerId }, key: `bench.${managerId}` };
      await deliveries.add(reportPostJob.name, data, { ...reportPostJob.options, jobId: reportPostJob.jobId(data) });
    }
    while ((await deliveries.getCompletedCount()) + (await deliveries.getFailedCount()) < managerIds.length) await new Promise((r) => setTimeout(r, 100));
    const total = (performance.now() - t0) / 1000;
    const completed = await deliveries.getJobs(['completed'], 0, managerIds.length);
    const perReport = completed.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0));
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const posts = new Set(fake.files.map((f) => f.channel_id)).size;
    console.log(`\nfull run: ${managerIds.length} weekly reports built, rendered (3 charts each) and posted by one worker (concurrency ${process.env.CONCURRENCY ?? '4'})`);
    console.log(`  total ${total.toFixed(1)} s   (target < 60 s)`);
    console.log(`  per report p50 ${ms(pct(perReport, 50))}  p99 ${ms(pct(perReport, 99))}`);
    console.log(`  worker peak RSS ${(peakKb / 1024).toFixed(0)} MB   (target < 500 MB)`);
    console.log(`  posted to ${posts} DMs, ${fake.files.length} images, failed jobs ${await deliveries.getFailedCount()}, platform-limit violations ${fake.violations().length}`);
  } finally {
    worker?.child.kill('SIGTERM');
    await worker?.exit;
    await deliveries.obliterate({ force: true }).catch(() => undefined);
    await deliveries.close();
    redis.disconnect();
    await fake.close();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
