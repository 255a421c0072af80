import fs from 'node:fs';
import path from 'node:path';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { writeArchiveMember } from '../../../src/domain/retention/audit-archive-file';
import { runRetention } from '../../../src/domain/retention/run-retention';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { ago, readArchives, remaining, rows, removeTempDirs, tempDir, tenantWith } from './retention-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { removeTempDirs(); await db.drop(); });

const asOf = new Date('2027-06-15T12:00:00.000Z');
const ledger = async (tenantId: string) =>
  (await db.em().getConnection().execute(`select to_char(month, 'YYYY-MM') as month, path, bytes::int, entries::int from audit_archives where tenant_id = ? order by month`, [tenantId])) as Array<{ month: string; path: string; bytes: number; entries: number }>;

/** An audit row as its archive line should read it back: every column, the id as a string. */
const asLine = (e: AuditEntry) => ({ id: e.id, tenant_id: e.tenantId, actor_user_id: e.actorUserId, actor_label: e.actorLabel, action: e.action, entity_type: e.entityType, entity_id: e.entityId, before: e.before, after: e.after });

test('audit entries past retention are archived before deletion, one gzip JSON Lines file per tenant per month, reading back as exactly the rows', async () => {
  const alpha = await tenantWith(db.em(), 'arch-alpha');
  const beta = await tenantWith(db.em(), 'arch-beta', { audit: 400 });
  const r = rows(db.em());
  await r.audit(alpha, 'alpha-jan-1', new Date('2025-01-03T08:00:00Z'), { name: '客户 甲', tags: ['a', 'b'], amount: '12.50' });
  await r.audit(alpha, 'alpha-jan-2', new Date('2025-01-31T23:59:59.999Z'));
  await r.audit(alpha, 'alpha-feb-1', new Date('2025-02-01T00:00:00Z'));
  await r.audit(alpha, 'alpha-recent', ago(asOf, 729));
  await r.audit(beta, 'beta-old', new Date('2026-04-20T00:00:00Z'));
  await r.audit(beta, 'beta-recent', ago(asOf, 399));
  // Microseconds survive: the line says exactly when.
  await db.em().getConnection().execute(`update audit_log set at = '2025-01-10 10:11:12.345678+00' where entity_id = 'alpha-jan-2'`);
  const cutoffAlpha = ago(asOf, 730);
  const expected = await db.em().find(AuditEntry, { $or: [{ tenantId: alpha.id, at: { $lt: cutoffAlpha } }, { tenantId: beta.id, at: { $lt: ago(asOf, 400) } }], actorLabel: 'test' }, { orderBy: { at: 'asc' } });
  expect(expected.map((e) => e.entityId)).toEqual(['alpha-jan-1', 'alpha-jan-2', 'alpha-feb-1', 'beta-old']);
  const dir = tempDir();

  const report = await runRetention(db.em(), { tenantIds: [alpha.id, beta.id], archiveDir: dir, asOf });

  const files = readArchives(dir);
  expect(Object.keys(files).sort()).toEqual(['audit/arch-alpha/2025-01.jsonl.gz', 'audit/arch-alpha/2025-02.jsonl.gz', 'audit/arch-beta/2026-04.jsonl.gz']);
  const byId = new Map(expected.map((e) => [e.id, e]));
  for (const line of Object.values(files).flat()) {
    const entry = byId.get(String(line.id))!;
    expect({ ...line, at: undefined }).toEqual({ ...asLine(entry), at: undefined });
    expect(new Date(String(line.at)).getTime()).toBe(entry.at.getTime());
  }
  expect(files['audit/arch-alpha/2025-01.jsonl.gz']!.map((l) => [l.entity_id, l.at])).toEqual([
    ['alpha-jan-1', '2025-01-03T08:00:00.000000Z'],
    ['alpha-jan-2', '2025-01-10T10:11:12.345678Z'],
  ]);
  expect((await remaining(db.em(), alpha)).audit).toEqual(['alpha-recent']);
  expect((await remaining(db.em(), beta)).audit).toEqual(['beta-recent']);
  expect((await ledger(alpha.id)).map((l) => [l.month, l.entries, l.bytes === fs.statSync(path.join(dir, l.path)).size])).toEqual([['2025-01', 2, true], ['2025-02', 1, true]]);
  expect(report.tenants.find((t) => t.slug === 'arch-alpha')!.files).toEqual(['audit/arch-alpha/2025-01.jsonl.gz', 'audit/arch-alpha/2025-02.jsonl.gz']);

  // A later run appends to the month's file: gunzip reads both parts as one.
  await r.audit(alpha, 'alpha-jan-late', new Date('2025-01-20T00:00:00Z'));
  await runRetention(db.em(), { tenantIds: [alpha.id], archiveDir: dir, asOf });
  expect(readArchives(dir)['audit/arch-alpha/2025-01.jsonl.gz']!.map((l) => l.entity_id)).toEqual(['alpha-jan-1', 'alpha-jan-2', 'alpha-jan-late']);
});

test('without an archive directory audit past retention is never deleted, whatever else is pruned', async () => {
  const t = await tenantWith(db.em(), 'no-archive');
  await rows(db.em()).audit(t, 'ancient', ago(asOf, 2000));
  await rows(db.em()).delivery(t, 'no-archive.sent', 'sent', ago(asOf, 2000));

  const report = await runRetention(db.em(), { tenantIds: [t.id], archiveDir: null, asOf });

  expect(await remaining(db.em(), t)).toMatchObject({ audit: ['ancient'], deliveries: [] });
  expect(report.tenants[0]).toMatchObject({ auditHeld: { reason: 'no_archive_dir' }, files: [] });
  expect(report.tenants[0]!.kinds.find((k) => k.kind === 'audit')).toMatchObject({ older: 1, kept: 1, pruned: 0, archived: 0 });
});

test('a run that died after writing a file but before its deletion committed is repaired: no entry is archived twice', async () => {
  const t = await tenantWith(db.em(), 'crashed');
  const r = rows(db.em());
  await r.audit(t, 'first', new Date('2024-03-01T00:00:00Z'));
  const dir = tempDir();
  await runRetention(db.em(), { tenantIds: [t.id], archiveDir: dir, asOf });
  await r.audit(t, 'second', new Date('2024-03-02T00:00:00Z'));
  // What the crashed run left: the member with `second` written past the ledger's length, the row still in the database.
  const [month] = await ledger(t.id);
  await writeArchiveMember(dir, month!.path, month!.bytes, ['{"entity_id":"second","from":"the crashed run"}']);

  await runRetention(db.em(), { tenantIds: [t.id], archiveDir: dir, asOf });

  const lines = readArchives(dir)[month!.path]!;
  expect(lines.map((l) => l.entity_id)).toEqual(['first', 'second']);
  expect(lines.some((l) => 'from' in l)).toBe(false);
  expect((await ledger(t.id))[0]).toMatchObject({ entries: 2, bytes: fs.statSync(path.join(dir, month!.path)).size });
});

test('an archive file shorter than the ledger says (moved, replaced) stops archiving of its month, and nothing of it is deleted', async () => {
  const t = await tenantWith(db.em(), 'moved');
  const r = rows(db.em());
  await r.audit(t, 'may-1', new Date('2024-05-01T00:00:00Z'));
  const dir = tempDir();
  await runRetention(db.em(), { tenantIds: [t.id], archiveDir: dir, asOf });
  fs.rmSync(path.join(dir, 'audit/moved/2024-05.jsonl.gz'));
  await r.audit(t, 'may-2', new Date('2024-05-02T00:00:00Z'));
  await r.audit(t, 'june-1', new Date('2024-06-01T00:00:00Z'));

  const report = await runRetention(db.em(), { tenantIds: [t.id], archiveDir: dir, asOf });

  expect(report.tenants[0]!.auditHeld).toMatchObject({ reason: 'archive_mismatch', message: expect.stringContaining('2024-05.jsonl.gz has 0 bytes but') });
  expect((await remaining(db.em(), t)).audit).toEqual(['june-1', 'may-2']);
  expect(fs.existsSync(path.join(dir, 'audit/moved/2024-06.jsonl.gz'))).toBe(false);
});

test('two runs at once share the work: every row deleted once, every audit entry archived once', async () => {
  const t = await tenantWith(db.em(), 'concurrent');
  const other = await tenantWith(db.em(), 'concurrent-other', { deliveries: 1200, audit: 1200 });
  await db.em().getConnection().execute(
    `insert into deliveries (tenant_id, idempotency_key, kind, status, created_at, updated_at)
     select ?, 'concurrent-other.' || g, 'test', 'sent', t, t
       from (select g, timestamptz '2024-01-01' + g * interval '1 hour' + interval '30 seconds' as t from generate_series(1, 3000) g) s`,
    [other.id],
  );
  await db.em().getConnection().execute(
    `insert into audit_log (tenant_id, actor_label, action, entity_type, entity_id, after, at)
     select ?, 'test', 'customer.update', 'customer', 'c' || g, jsonb_build_object('n', g), timestamptz '2024-01-01' + g * interval '1 hour' from generate_series(1, 1500) g`,
    [t.id],
  );
  await db.em().getConnection().execute(
    `insert into deliveries (tenant_id, idempotency_key, kind, status, created_at, updated_at)
     select ?, 'concurrent.' || g, 'test', case when g % 10 = 0 then 'dead' else 'sent' end, t, t
       from (select g, timestamptz '2024-01-01' + g * interval '1 minute' as t from generate_series(1, 3000) g) s`,
    [t.id],
  );
  const dir = tempDir();
  const run = () => runRetention(db.em(), { tenantIds: [t.id, other.id], archiveDir: dir, asOf, batchSize: 100 });

  const [a, b] = await Promise.all([run(), run()]);

  const total = (kind: string, slug = 'concurrent') => [a, b].reduce((n, r) => n + r.tenants.find((x) => x.slug === slug)!.kinds.find((k) => k.kind === kind)!.pruned, 0);
  expect(total('deliveries')).toBe(3000);
  expect(total('audit')).toBe(1500);
  // The other tenant keeps 1200 days: from 2024-03-02 12:00 on (asOf 2027-06-15 12:00), its rows stay.
  const keptFrom = ago(asOf, 1200).getTime();
  const otherRows = (await remaining(db.em(), other)).deliveries.map((k) => Number(k.split('.')[1]));
  const at = (g: number) => Date.parse('2024-01-01T00:00:00Z') + g * 3_600_000 + 30_000;
  expect(otherRows.every((g) => at(g) >= keptFrom)).toBe(true);
  expect(total('deliveries', 'concurrent-other') + otherRows.length).toBe(3000);
  expect(otherRows.length).toBeGreaterThan(1000);
  expect(total('deliveries', 'concurrent-other')).toBe(Array.from({ length: 3000 }, (_, i) => at(i + 1)).filter((x) => x < keptFrom).length);
  const lines = Object.values(readArchives(dir)).flat();
  expect(lines).toHaveLength(1500);
  expect(new Set(lines.map((l) => l.entity_id)).size).toBe(1500);
  expect(await remaining(db.em(), t)).toMatchObject({ deliveries: [], audit: [] });
  expect((await ledger(t.id)).map((l) => [l.month, l.entries])).toEqual([['2024-01', 743], ['2024-02', 696], ['2024-03', 61]]);
});
