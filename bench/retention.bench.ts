// Retention on a large database: ROWS rows (10,000,000 by default) across deliveries, outbox,
// chat_requests and audit_log, spread over three years and four tenants with different policies;
// then the retention use case, and for comparison one bare DELETE per table on a copy.
// Usage: npm run bench:retention   (ROWS, BATCH, VACUUM_FULL=0 to skip VACUUM FULL, KEEP_ARCHIVE=1)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openOrm, type MikroORM } from '../src/db/orm';
import { loadRetentionPolicies, type RetentionPolicy } from '../src/domain/retention/load-retention-policies';
import type { RetentionChange, RetentionKind } from '../src/domain/retention/retention-rules';
import { runRetention, type RetentionReport } from '../src/domain/retention/run-retention';
import { setRetentionPolicy } from '../src/domain/retention/set-retention-policy';
import { retentionTables } from '../src/domain/retention/table-sizes';
import { systemActor } from '../src/domain/shared/actor';
import { baseDatabaseUrl, createTestDatabase } from '../test/support/test-database';

const ROWS = Number(process.env.ROWS ?? 10_000_000);
const BATCH = Number(process.env.BATCH ?? 10_000);
const VACUUM_FULL = process.env.VACUUM_FULL !== '0';
const kinds: RetentionKind[] = ['deliveries', 'outbox', 'chatRequests', 'audit'];
/** Shares of ROWS: deliveries and audit are the big ones in a real deployment. */
const shares: Record<RetentionKind, number> = { deliveries: 0.4, outbox: 0.15, chatRequests: 0.1, audit: 0.35 };
const policies: Array<{ slug: string; change: RetentionChange }> = [
  { slug: 'bench-defaults', change: {} },
  { slug: 'bench-short', change: { deliveries: 30, outbox: 3, audit: 365 } },
  { slug: 'bench-long', change: { deliveries: 180, outbox: 30, chatRequests: 14, audit: 1095 } },
  { slug: 'bench-longest', change: { deliveries: 365, outbox: 90, chatRequests: 30, audit: 1825 } },
];
const spanDays = 3 * 365;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (line = '') => process.stdout.write(`${line}\n`);

async function timed<T>(what: string, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  const ms = Date.now() - started;
  log(`  ${what}: ${secs(ms)}`);
  return { value, ms };
}

const exec = (em: EntityManager, sql: string, params: unknown[] = []): Promise<any[]> => em.getConnection().execute(sql, params); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Row g of n lies at `now - 3 years + g/n of 3 years`, inserted oldest first as a live system would, tenant g % 4. */
const when = (n: number) => `(timestamptz '${new Date().toISOString()}' - interval '${spanDays} days' + (g::float8 / ${n}) * interval '${spanDays} days')`;

async function generate(em: EntityManager, tenantIds: string[]): Promise<void> {
  const n = (k: RetentionKind) => Math.round(ROWS * shares[k]);
  const tenant = `(array[${tenantIds.map((id) => `'${id}'::uuid`).join(', ')}])[1 + g % ${tenantIds.length}]`;
  // The four tables fill at once, each statement on a connection of its own.
  await Promise.all([
    timed(`deliveries (${fmt(n('deliveries'))})`, () => exec(em.fork(), `
    insert into deliveries (tenant_id, idempotency_key, kind, channel, status, attempts, message_ref, sent_at, created_at, updated_at)
    select ${tenant}, 'visit-reminder.' || md5(g::text) || '.' || g, 'visit_reminder', 'D' || lpad((g % 5000)::text, 10, '0'),
           case when g % 200 = 0 then 'failed' when g % 200 = 1 then 'sending' when g % 100 = 2 then 'dead' else 'sent' end,
           1, '1712345678.' || lpad((g % 1000000)::text, 6, '0'), t, t, t + interval '1 second'
      from (select g, ${when(n('deliveries'))} as t from generate_series(1, ${n('deliveries')}) g) s`)),
    timed(`outbox (${fmt(n('outbox'))})`, () => exec(em.fork(), `
    insert into outbox (tenant_id, topic, aggregate_id, action, due_at, payload, job_id, created_at, published_at, settled_at)
    select ${tenant}, 'visit.reminder', md5(g::text), 'schedule', t + interval '1 hour',
           jsonb_build_object('visitId', md5(g::text), 'userId', md5((g + 1)::text), 'at', t), 'visit-reminder.' || md5(g::text),
           t, t + interval '1 second', case when g % 100 = 0 then null else t + interval '1 hour' end
      from (select g, ${when(n('outbox'))} as t from generate_series(1, ${n('outbox')}) g) s`)),
    timed(`chat_requests (${fmt(n('chatRequests'))})`, () => exec(em.fork(), `
    insert into chat_requests (tenant_id, key, user_id, reply, answered_at, created_at)
    select ${tenant}, 'slack.cmd.' || g || '.' || substr(md5(g::text), 1, 10), md5(g::text)::uuid,
           jsonb_build_object('type', 'card', 'card', jsonb_build_object('kind', 'card', 'tone', 'ok', 'text', 'Visit logged: customer ' || g || ', met, next step: send the quote')), t, t
      from (select g, ${when(n('chatRequests'))} as t from generate_series(1, ${n('chatRequests')}) g) s`)),
    timed(`audit_log (${fmt(n('audit'))})`, () => exec(em.fork(), `
    insert into audit_log (tenant_id, actor_user_id, actor_label, action, entity_type, entity_id, before, after, at)
    select ${tenant}, md5((g % 997)::text)::uuid, 'Rep ' || (g % 997), 'customer.update', 'customer', md5((g % 50000)::text)::uuid::text,
           jsonb_build_object('name', 'Customer ' || (g % 50000), 'tier', 'B', 'region', 'East', 'phone', '+86 21 5555 ' || lpad((g % 10000)::text, 4, '0'), 'tags', jsonb_build_array('retail', 'key')),
           jsonb_build_object('name', 'Customer ' || (g % 50000), 'tier', 'A', 'region', 'East', 'phone', '+86 21 5555 ' || lpad((g % 10000)::text, 4, '0'), 'tags', jsonb_build_array('retail', 'key'), 'keyAccount', true),
           t
      from (select g, ${when(n('audit'))} as t from generate_series(1, ${n('audit')}) g) s`)),
  ]);
  // As autovacuum would have left a table that old: hint bits set, statistics known.
  await timed('vacuum analyze', async () => { for (const k of kinds) await exec(em, `vacuum analyze ${retentionTables[k]}`); });
}

type Figures = { rows: number; bytes: number };
async function figures(em: EntityManager): Promise<Record<RetentionKind, Figures>> {
  const out = {} as Record<RetentionKind, Figures>;
  for (const k of kinds) {
    const [row] = await exec(em, `select count(*)::text as rows, pg_total_relation_size('${retentionTables[k]}')::text as bytes from ${retentionTables[k]}`);
    out[k] = { rows: Number(row.rows), bytes: Number(row.bytes) };
  }
  return out;
}

/**
 * The longest-open transaction on the database other than the sampler's own, sampled every 20 ms
 * while `work` runs: how long a batch (or a whole statement) holds what it locks.
 */
async function longestTransaction<T>(em: EntityManager, work: () => Promise<T>): Promise<{ value: T; longestMs: number }> {
  let longestMs = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const [r] = await exec(em, `select coalesce(max(extract(epoch from clock_timestamp() - xact_start)) * 1000, 0)::float8 as ms
        from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`);
      longestMs = Math.max(longestMs, Number(r.ms));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    return { value: await work(), longestMs };
  } finally {
    running = false;
    await sampler;
  }
}

const walNow = async (em: EntityManager): Promise<string> => (await exec(em, `select pg_current_wal_lsn()::text as lsn`))[0].lsn;
const walSince = async (em: EntityManager, lsn: string): Promise<number> => Number((await exec(em, `select pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::bigint::text as b`, [lsn]))[0].b);

/** The same rows as the use case deletes, in one statement per table (no archive, no batches, no skip locked). */
function bareDelete(kind: RetentionKind, cutoffs: RetentionPolicy[]): string {
  const c = (k: RetentionKind) => `(values ${cutoffs.map((p) => `('${p.tenantId}'::uuid, '${p.cutoffs[k]}'::timestamptz)`).join(', ')}) c(tenant_id, cutoff)`;
  switch (kind) {
    case 'deliveries': return `delete from deliveries d using ${c(kind)} where d.tenant_id = c.tenant_id and d.updated_at < c.cutoff and d.status in ('sent', 'dead')`;
    case 'outbox': return `delete from outbox d using ${c(kind)} where d.tenant_id = c.tenant_id and d.settled_at < c.cutoff`;
    case 'chatRequests': return `delete from chat_requests d using ${c(kind)} where d.tenant_id = c.tenant_id and d.created_at < c.cutoff`;
    case 'audit': return `delete from audit_log d using ${c(kind)} where d.tenant_id = c.tenant_id and d.at < c.cutoff`;
  }
}

function dirBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else { files++; bytes += fs.statSync(path.join(d, e.name)).size; }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return { files, bytes };
}

const sum = (report: RetentionReport, k: RetentionKind, field: 'older' | 'kept' | 'pruned' | 'archived') =>
  report.tenants.reduce((n, t) => n + t.kinds.find((x) => x.kind === k)![field], 0);

async function main(): Promise<void> {
  log(`retention bench: ${fmt(ROWS)} rows over ${spanDays} days, ${policies.length} tenants, ${fmt(BATCH)} rows per statement`);
  const db = await createTestDatabase();
  const copyName = `${new URL(db.url).pathname.slice(1)}_baseline`;
  const copyUrl = Object.assign(new URL(db.url), { pathname: `/${copyName}` }).toString();
  const archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-retention-bench-'));
  let orm: MikroORM | undefined;
  let copy: MikroORM | undefined;
  try {
    log('generating');
    const tenantIds: string[] = [];
    for (const p of policies) {
      const [t] = await exec(db.em(), `insert into tenants (id, slug, name, created_at) values (gen_random_uuid(), ?, ?, now()) returning id`, [p.slug, p.slug]);
      tenantIds.push(t.id);
      if (Object.keys(p.change).length) await setRetentionPolicy(db.em(), systemActor(t.id, 'bench'), p.change);
    }
    const generated = await timed('all rows', () => generate(db.em(), tenantIds));
    await db.orm.close(true);
    const admin = await openOrm(baseDatabaseUrl);
    await timed('copy for the baseline (create database … template)', () => exec(admin.em.fork(), `create database "${copyName}" template "${new URL(db.url).pathname.slice(1)}" strategy file_copy`));
    await admin.close(true);
    orm = await openOrm(db.url);
    copy = await openOrm(copyUrl);
    await measure(orm.em.fork(), copy.em.fork(), archiveDir, generated.ms);
  } finally {
    await orm?.close(true);
    await copy?.close(true);
    const admin = await openOrm(baseDatabaseUrl);
    await exec(admin.em.fork(), `drop database if exists "${copyName}" with (force)`);
    await admin.close(true);
    await db.drop();
    if (process.env.KEEP_ARCHIVE !== '1') fs.rmSync(archiveDir, { recursive: true, force: true });
    else log(`archive kept in ${archiveDir}`);
  }
}

async function measure(em: EntityManager, copyEm: EntityManager, archiveDir: string, generatedMs: number): Promise<void> {
  const asOf = new Date();
  const before = await figures(em);
  log('');
  log('retention use case (batched, per tenant, audit archived first)');
  // Each measured phase starts just after a checkpoint, so each pays for the full-page images that follow one.
  await exec(em, 'checkpoint');
  const wal = await walNow(em);
  const sampled = await longestTransaction(em.fork(), () => timed('runRetention', () => runRetention(em, { archiveDir, asOf, batchSize: BATCH })));
  const run = sampled.value;
  const walBytes = await walSince(em, wal);
  const after = await figures(em);
  const vacuumed = {} as Record<RetentionKind, { bytes: number; ms: number; fullBytes?: number; fullMs?: number }>;
  for (const k of kinds) {
    const v = await timed(`vacuum ${retentionTables[k]}`, () => exec(em, `vacuum ${retentionTables[k]}`));
    vacuumed[k] = { bytes: (await figures(em))[k].bytes, ms: v.ms };
  }
  if (VACUUM_FULL) {
    for (const k of kinds) {
      const v = await timed(`vacuum full ${retentionTables[k]}`, () => exec(em, `vacuum full ${retentionTables[k]}`));
      Object.assign(vacuumed[k], { fullBytes: (await figures(em))[k].bytes, fullMs: v.ms });
    }
  }
  log('');
  log('baseline on the copy: one bare DELETE per table');
  const cutoffs = await loadRetentionPolicies(copyEm, { asOf });
  const baseline = {} as Record<RetentionKind, { rows: number; ms: number; wal: number; longestMs: number }>;
  for (const k of kinds) {
    await exec(copyEm, 'checkpoint');
    const lsn = await walNow(copyEm);
    const { value: d, longestMs } = await longestTransaction(copyEm.fork(), () =>
      timed(`delete from ${retentionTables[k]}`, () => copyEm.getConnection().execute(bareDelete(k, cutoffs), [], 'run') as Promise<{ affectedRows: number }>));
    baseline[k] = { rows: d.value.affectedRows, ms: d.ms, wal: await walSince(copyEm, lsn), longestMs };
  }
  print(run.value, run.ms, walBytes, { before, after, vacuumed, baseline, archive: dirBytes(archiveDir), generatedMs, longestMs: sampled.longestMs });
}

type Results = {
  before: Record<RetentionKind, Figures>;
  after: Record<RetentionKind, Figures>;
  vacuumed: Record<RetentionKind, { bytes: number; ms: number; fullBytes?: number; fullMs?: number }>;
  baseline: Record<RetentionKind, { rows: number; ms: number; wal: number; longestMs: number }>;
  archive: { files: number; bytes: number };
  generatedMs: number;
  /** The longest transaction seen while the use case ran. */
  longestMs: number;
};

function print(report: RetentionReport, totalMs: number, walBytes: number, r: Results): void {
  const rows: string[][] = [['table', 'rows before', 'rows after', 'older than cut-off', 'kept (unfinished)', 'pruned', 'archived', 'time', 'rows/s', 'size before', 'size after', 'after VACUUM', 'after VACUUM FULL', 'VACUUM FULL took']];
  for (const k of kinds) {
    const pruned = sum(report, k, 'pruned');
    const ms = report.tables[k].ms;
    const v = r.vacuumed[k];
    rows.push([retentionTables[k], fmt(r.before[k].rows), fmt(r.after[k].rows), fmt(sum(report, k, 'older')), fmt(sum(report, k, 'kept')), fmt(pruned), fmt(sum(report, k, 'archived')),
      secs(ms), fmt(pruned / (ms / 1000)), mb(r.before[k].bytes), mb(r.after[k].bytes), mb(v.bytes), v.fullBytes === undefined ? '-' : mb(v.fullBytes), v.fullMs === undefined ? '-' : secs(v.fullMs)]);
  }
  log('');
  log(`generated ${fmt(ROWS)} rows in ${secs(r.generatedMs)}`);
  table(rows);
  log(`use case in all: ${secs(totalMs)}, WAL written ${mb(walBytes)}, longest transaction ${Math.round(r.longestMs)} ms; audit archive: ${r.archive.files} files, ${mb(r.archive.bytes)}`);
  log('');
  const base: string[][] = [['baseline table', 'rows deleted', 'one statement', 'rows/s', 'longest transaction', 'WAL']];
  for (const k of kinds) {
    const b = r.baseline[k];
    base.push([retentionTables[k], fmt(b.rows), secs(b.ms), fmt(b.rows / (b.ms / 1000)), `${Math.round(b.longestMs)} ms`, mb(b.wal)]);
  }
  table(base);
  log(`baseline WAL in all: ${mb(kinds.reduce((n, k) => n + r.baseline[k].wal, 0))}`);
  log('');
  log('Sizes: DELETE and VACUUM leave the files as large as before (the space is reused by new rows);');
  log('only VACUUM FULL or pg_repack give it back to the operating system (VACUUM FULL locks the table while it runs).');
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
