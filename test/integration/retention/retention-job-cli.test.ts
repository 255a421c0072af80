import { main } from '../../../src/cli/main';
import type { JobContext } from '../../../src/jobs/job-definition';
import { retentionJob } from '../../../src/jobs/retention.job';
import { retentionSchedulerId } from '../../../src/jobs/schedules';
import type { Logger } from '../../../src/logger';
import { startJobsWorld, type JobsWorld } from '../jobs/jobs-world';
import { ago, readArchives, remaining, rows, removeTempDirs, tempDir, tenantWith } from './retention-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); }, 60_000);
afterAll(async () => { removeTempDirs(); await world.stop(); });

/** A log that keeps what was said. */
function recordingLog() {
  const said: Array<[string, unknown[]]> = [];
  const log = { warn: (...args: unknown[]) => said.push(['warn', args]), error: (...args: unknown[]) => said.push(['error', args]), info: () => undefined, debug: () => undefined };
  return { log: log as unknown as Logger, said };
}

test('the job archives into the directory it was given; without one it keeps audit and says so once per process', async () => {
  const t = await tenantWith(world.em(), 'job-audit');
  const asOf = new Date();
  await rows(world.em()).audit(t, 'old-1', ago(asOf, 1000));
  const { log, said } = recordingLog();
  const ctx = (archiveDir: string | null = null) => ({ em: world.em(), clock: { now: () => asOf }, log, archiveDir }) as unknown as JobContext;
  const data = { day: asOf.toISOString().slice(0, 10) };

  expect(await retentionJob.handle(data, ctx())).toContain('audit held: job-audit (no_archive_dir)');
  expect(await retentionJob.handle(data, ctx())).toContain('audit held: job-audit (no_archive_dir)');
  expect(said.filter(([level]) => level === 'warn')).toEqual([['warn', [expect.stringContaining('ARCHIVE_DIR is not set')]]]);
  expect((await remaining(world.em(), t)).audit).toEqual(['old-1']);

  const dir = tempDir();
  expect(await retentionJob.handle(data, ctx(dir))).toMatch(/^\d+ tenants: deliveries 0, outbox 0, chat_requests 0, audit_log 1 pruned, 1 audit archived$/);
  expect(Object.keys(readArchives(dir))).toEqual([`audit/job-audit/${ago(asOf, 1000).toISOString().slice(0, 7)}.jsonl.gz`]);
});

test('a worker has the daily scheduler, and the job it runs prunes every tenant; its id is the day, so a second run that day adds nothing', async () => {
  const t = await tenantWith(world.em(), 'job-worker', { deliveries: 14 });
  await rows(world.em()).delivery(t, 'job-worker.old', 'sent', ago(new Date(), 15));
  await rows(world.em()).delivery(t, 'job-worker.new', 'sent', ago(new Date(), 13));
  const worker = await world.startWorker();
  await world.until(async () => (await worker.queues.queue('schedules').getJobScheduler(retentionSchedulerId)) !== undefined, 'the retention scheduler', 10_000);
  expect(await worker.queues.queue('schedules').getJobScheduler(retentionSchedulerId)).toMatchObject({ pattern: '30 3 * * *', tz: 'UTC' });

  expect(retentionJob.jobId({ day: '2027-03-04' })).toBe('retention.2027-03-04');
  await worker.queues.add(retentionJob, { day: 'test' });
  await world.until(async () => (await remaining(world.em(), t)).deliveries.length === 1, 'the old delivery pruned', 15_000);
  expect((await remaining(world.em(), t)).deliveries).toEqual(['job-worker.new']);
}, 30_000);

/** `sfa …` in this process, against this file's database. */
async function sfa(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DATABASE_URL: world.db.url });
  return { code, out, err };
}

test('sfa retention set / show / run: settings per tenant, a dry run that deletes nothing, a run that prints what it did per table', async () => {
  const t = await tenantWith(world.em(), 'cli-acme');
  const r = rows(world.em());
  await r.delivery(t, 'cli.old', 'sent', ago(new Date(), 45));
  await r.delivery(t, 'cli.sending', 'sending', ago(new Date(), 45));
  await r.audit(t, 'cli-audit', ago(new Date(), 800));

  expect(await sfa('retention', 'set', '--tenant', 'cli-acme', '--deliveries', '30', '--audit', '400')).toMatchObject({
    code: 0,
    out: ['retention for cli-acme: delivery records 30 days, settled outbox rows 7 days (default), chat request records 7 days (default), audit entries 400 days'],
  });
  expect(await sfa('retention', 'set', '--tenant', 'cli-acme', '--audit', '100')).toMatchObject({ code: 1, err: ['audit entries must be kept at least 365 days'] });
  expect(await sfa('retention', 'set', '--tenant', 'cli-acme', '--outbox', 'soon')).toMatchObject({ code: 1, err: ['--outbox "soon" must be a number of days or "default"'] });
  expect((await sfa('retention', 'set', '--tenant', 'cli-acme')).err[0]).toMatch(/^name what to change: --deliveries <days\|default>/);

  const shown = await sfa('retention', 'show', '--tenant', 'cli-acme');
  expect(shown.out[0]).toMatch(/^tenant\s+delivery records \(days\)\s+settled outbox rows \(days\)\s+chat request records \(days\)\s+audit entries \(days\)\s+audit archived$/);
  expect(shown.out[1]).toMatch(/^cli-acme\s+30\s+7 \(default\)\s+7 \(default\)\s+400\s+-$/);

  const dry = await sfa('retention', 'run', '--tenant', 'cli-acme', '--dry-run');
  expect(dry.code).toBe(0);
  expect(dry.out[0]).toMatch(/^dry run: nothing archived or deleted/);
  expect(dry.out.find((l) => l.startsWith('cli-acme  deliveries'))).toMatch(/\s30\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+2\s+1\s+0\s+1$/);
  expect((await remaining(world.em(), t)).deliveries).toEqual(['cli.old', 'cli.sending']);

  const dir = tempDir();
  const run = await sfa('retention', 'run', '--tenant', 'cli-acme', '--archive-dir', dir);
  expect(run.code).toBe(0);
  expect(run.out.find((l) => l.startsWith('cli-acme  audit_log'))).toMatch(/\s400\s+.*\s1\s+0\s+1\s+1$/);
  expect(run.out).toEqual(expect.arrayContaining([expect.stringMatching(/^table\s+size before\s+size after\s+took$/), expect.stringMatching(/^deliveries\s+\d+(\.\d)? [kM]?B\s+\d+(\.\d)? [kM]?B\s+\d+\.\d s$/)]));
  expect(run.out).toContain(`cli-acme: audit archived to ${dir}/audit/cli-acme/${ago(new Date(), 800).toISOString().slice(0, 7)}.jsonl.gz`);
  expect(await remaining(world.em(), t)).toMatchObject({ deliveries: ['cli.sending'], audit: [] });
  expect((await sfa('retention', 'show', '--tenant', 'cli-acme', '--archive-dir', dir)).out).toEqual(expect.arrayContaining([
    expect.stringMatching(/^cli-acme\s+30\s+.*\s1 in 1 file \(\d{4}-\d\d … \d{4}-\d\d\)$/),
    `audit archives: ${dir}/audit`,
  ]));

  await r.audit(t, 'cli-audit-2', ago(new Date(), 800));
  const noDir = await sfa('retention', 'run', '--tenant', 'cli-acme');
  expect(noDir).toMatchObject({ code: 0, err: ['cli-acme: audit entries past their retention were kept: set ARCHIVE_DIR (or --archive-dir) to archive and then delete them'] });
  expect((await remaining(world.em(), t)).audit).toEqual(['cli-audit-2']);
});
