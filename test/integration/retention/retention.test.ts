import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { loadRetentionPolicies } from '../../../src/domain/retention/load-retention-policies';
import { runRetention, type RetentionReport } from '../../../src/domain/retention/run-retention';
import { setRetentionPolicy } from '../../../src/domain/retention/set-retention-policy';
import { systemActor } from '../../../src/domain/shared/actor';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { makeUser } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { ago, readArchives, remaining, rows, removeTempDirs, tempDir, tenantWith } from './retention-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { removeTempDirs(); await db.drop(); });

const second = 1000;
const kindOf = (report: RetentionReport, slug: string, kind: string) => report.tenants.find((t) => t.slug === slug)!.kinds.find((k) => k.kind === kind)!;

/** For each kind: a row a second past the tenant's cut-off (goes) and one a second short of it (stays). */
async function edgeRows(tenant: Tenant, days: { deliveries: number; outbox: number; chatRequests: number; audit: number }, asOf: Date) {
  const r = rows(db.em());
  await r.delivery(tenant, `${tenant.slug}.d.out`, 'sent', ago(asOf, days.deliveries, -second));
  await r.delivery(tenant, `${tenant.slug}.d.in`, 'sent', ago(asOf, days.deliveries, second));
  await r.delivery(tenant, `${tenant.slug}.d.dead-out`, 'dead', ago(asOf, days.deliveries, -second));
  await r.outbox(tenant, `${tenant.slug}.o.out`, 'settled', ago(asOf, days.outbox, -second));
  await r.outbox(tenant, `${tenant.slug}.o.in`, 'settled', ago(asOf, days.outbox, second));
  await r.chatRequest(tenant, `${tenant.slug}.c.out`, ago(asOf, days.chatRequests, -second));
  await r.chatRequest(tenant, `${tenant.slug}.c.in`, ago(asOf, days.chatRequests, second));
  await r.audit(tenant, `${tenant.slug}.a.out`, ago(asOf, days.audit, -second));
  await r.audit(tenant, `${tenant.slug}.a.in`, ago(asOf, days.audit, second));
}

test("each tenant's rows a second past its own cut-off go, those a second short of it stay", async () => {
  const asOf = new Date();
  const alpha = await tenantWith(db.em(), 'edge-alpha');
  const beta = await tenantWith(db.em(), 'edge-beta', { deliveries: 30, outbox: 3, chatRequests: 10, audit: 400 });
  await edgeRows(alpha, { deliveries: 90, outbox: 7, chatRequests: 7, audit: 730 }, asOf);
  await edgeRows(beta, { deliveries: 30, outbox: 3, chatRequests: 10, audit: 400 }, asOf);
  // Beta's rows that alpha's longer policy would keep still go for beta, and the reverse.
  await rows(db.em()).delivery(alpha, 'edge-alpha.d.60', 'sent', ago(asOf, 60));
  await rows(db.em()).delivery(beta, 'edge-beta.d.60', 'sent', ago(asOf, 60));
  const archiveDir = tempDir();

  const report = await runRetention(db.em(), { tenantIds: [alpha.id, beta.id], archiveDir, asOf });

  for (const t of [alpha, beta]) {
    const keyed = (k: string) => [`${t.slug}.${k}.in`];
    expect(await remaining(db.em(), t)).toEqual({
      deliveries: t === alpha ? ['edge-alpha.d.60', 'edge-alpha.d.in'] : ['edge-beta.d.in'],
      outbox: keyed('o'),
      chatRequests: keyed('c'),
      audit: keyed('a'),
    });
  }
  expect(kindOf(report, 'edge-beta', 'deliveries')).toMatchObject({ days: 30, older: 3, kept: 0, pruned: 3, archived: 0 });
  expect(kindOf(report, 'edge-alpha', 'deliveries')).toMatchObject({ days: 90, older: 2, pruned: 2 });
  expect(kindOf(report, 'edge-alpha', 'audit')).toMatchObject({ days: 730, older: 1, pruned: 1, archived: 1 });
  expect(kindOf(report, 'edge-beta', 'chatRequests').cutoff.getTime()).toBe(ago(asOf, 10).getTime());
  expect(Object.values(readArchives(archiveDir)).flat().map((l) => l.entity_id).sort()).toEqual(['edge-alpha.a.out', 'edge-beta.a.out']);
  // The run is itself audited, with what it deleted.
  const logged = await db.em().findOneOrFail(AuditEntry, { tenantId: beta.id, action: 'retention.prune' });
  expect(logged).toMatchObject({ actorLabel: 'retention', after: expect.objectContaining({ deliveries: expect.objectContaining({ days: 30, pruned: 3 }) }) });
});

test('unfinished work stays however old: deliveries being sent or waiting for a retry, unsettled outbox rows, a queued command still in the outbox', async () => {
  const asOf = new Date();
  const t = await tenantWith(db.em(), 'unfinished');
  const r = rows(db.em());
  const old = ago(asOf, 1000);
  for (const status of ['sending', 'failed', 'sent', 'dead'] as const) await r.delivery(t, `unfinished.${status}`, status, old);
  await r.outbox(t, 'unfinished.published', 'published', old);
  await r.outbox(t, 'unfinished.unpublished', 'unpublished', old);
  await r.outbox(t, 'unfinished.settled', 'settled', old);
  // A command kept in the outbox while Redis was down: its request record is what makes it run once.
  await r.chatRequest(t, 'slack.cmd.waiting', old, false);
  await r.outbox(t, 'slack.cmd.waiting', 'unpublished', old, 'chat.command');
  await r.chatRequest(t, 'slack.cmd.given-up', old, false);
  await r.chatRequest(t, 'slack.cmd.answered', old, true);

  const report = await runRetention(db.em(), { tenantIds: [t.id], archiveDir: null, asOf });

  expect(await remaining(db.em(), t)).toEqual({
    deliveries: ['unfinished.failed', 'unfinished.sending'],
    outbox: ['slack.cmd.waiting', 'unfinished.published', 'unfinished.unpublished'],
    chatRequests: ['slack.cmd.waiting'],
    audit: [],
  });
  expect(kindOf(report, 'unfinished', 'deliveries')).toMatchObject({ older: 4, kept: 2, pruned: 2 });
  expect(kindOf(report, 'unfinished', 'outbox')).toMatchObject({ older: 4, kept: 3, pruned: 1 });
  expect(kindOf(report, 'unfinished', 'chatRequests')).toMatchObject({ older: 3, kept: 1, pruned: 2 });
});

test('batches of any size delete the same rows, ties on the same instant included; a second run finds nothing; a dry run changes nothing', async () => {
  const asOf = new Date();
  const t = await tenantWith(db.em(), 'batches');
  const same = ago(asOf, 200);
  const r = rows(db.em());
  for (let i = 0; i < 7; i++) await r.delivery(t, `batches.same.${i}`, 'sent', same);
  for (let i = 0; i < 5; i++) await r.delivery(t, `batches.spread.${i}`, i % 2 ? 'dead' : 'sent', ago(asOf, 100 + i));
  for (let i = 0; i < 5; i++) await r.audit(t, `batches.audit.${i}`, i < 3 ? ago(asOf, 800) : ago(asOf, 760 + i));
  // A second tenant with a shorter policy, its rows between the first one's: batches take turns by age.
  const short = await tenantWith(db.em(), 'batches-short', { deliveries: 30 });
  for (const days of [20, 29, 31, 45, 101, 150, 201, 250]) await r.delivery(short, `short.${days}`, days % 2 ? 'sent' : 'dead', ago(asOf, days));
  const archiveDir = tempDir();

  const dry = await runRetention(db.em(), { tenantIds: [t.id], archiveDir, asOf, dryRun: true, batchSize: 3 });
  expect(dry.dryRun).toBe(true);
  expect(kindOf(dry, 'batches', 'deliveries')).toMatchObject({ older: 12, pruned: 12 });
  expect(kindOf(dry, 'batches', 'audit')).toMatchObject({ older: 5, pruned: 5, archived: 0 });
  expect((await remaining(db.em(), t)).deliveries).toHaveLength(12);
  expect(readArchives(archiveDir)).toEqual({});

  const first = await runRetention(db.em(), { tenantIds: [t.id, short.id], archiveDir, asOf, batchSize: 3 });
  expect(kindOf(first, 'batches', 'deliveries').pruned).toBe(12);
  expect(kindOf(first, 'batches-short', 'deliveries').pruned).toBe(6);
  expect((await remaining(db.em(), short)).deliveries).toEqual(['short.20', 'short.29']);
  expect(kindOf(first, 'batches', 'audit')).toMatchObject({ pruned: 5, archived: 5 });
  const after = { rows: await remaining(db.em(), t), files: readArchives(archiveDir), audit: await db.em().count(AuditEntry, { tenantId: t.id }) };
  expect(after.rows).toEqual({ deliveries: [], outbox: [], chatRequests: [], audit: [] });

  const second = await runRetention(db.em(), { tenantIds: [t.id], archiveDir, asOf, batchSize: 3 });
  expect(second.tenants[0]!.kinds.map((k) => [k.kind, k.older, k.pruned, k.archived])).toEqual([
    ['deliveries', 0, 0, 0], ['outbox', 0, 0, 0], ['chatRequests', 0, 0, 0], ['audit', 0, 0, 0],
  ]);
  expect({ rows: await remaining(db.em(), t), files: readArchives(archiveDir), audit: await db.em().count(AuditEntry, { tenantId: t.id }) }).toEqual(after);
});

test('a policy keeps audit at least a year and longest of all, each kind above its floor; "default" puts one back; only admins change it, audited', async () => {
  const t = await tenantWith(db.em(), 'policy');
  const cli = systemActor(t.id, 'cli');
  const set = (change: Parameters<typeof setRetentionPolicy>[2]) => setRetentionPolicy(db.em(), cli, change);

  await expect(set({ audit: 364 })).rejects.toMatchObject({ code: 'invalid_input', message: 'audit entries must be kept at least 365 days' });
  await expect(set({ chatRequests: 6, deliveries: 13 })).rejects.toThrow('delivery records must be kept at least 14 days\nchat request records must be kept at least 7 days');
  await expect(set({ deliveries: 1000 })).rejects.toThrow('audit entries must be kept at least as long as anything else (1000 days)');
  expect((await set({ deliveries: 1000, audit: 1095 })).days).toEqual({ deliveries: 1000, outbox: 7, chatRequests: 7, audit: 1095 });
  await expect(set({ audit: null })).rejects.toThrow('(1000 days)');
  const back = await set({ deliveries: null, audit: null, outbox: 30 });
  expect(back).toMatchObject({ days: { deliveries: 90, outbox: 30, chatRequests: 7, audit: 730 }, custom: { outbox: 30 } });

  const { actor: rep } = await makeUser(db.em(), t, { role: 'rep' });
  await expect(setRetentionPolicy(db.em(), rep, { outbox: 10 })).rejects.toMatchObject({ code: 'forbidden' });
  // The database refuses what the domain refuses, for a hand-written update.
  await expect(db.em().getConnection().execute(`update retention_policies set audit_days = 30 where tenant_id = ?`, [t.id])).rejects.toThrow(/check constraint/);

  const changes = await db.em().find(AuditEntry, { tenantId: t.id, action: 'retention.set' }, { orderBy: { id: 'asc' } });
  expect(changes.map((c) => [c.actorLabel, c.after])).toEqual([
    ['cli', { deliveries: 1000, outbox: 7, chatRequests: 7, audit: 1095 }],
    ['cli', { deliveries: 90, outbox: 30, chatRequests: 7, audit: 730 }],
  ]);
  const [loaded] = await loadRetentionPolicies(db.em(), { tenantIds: [t.id], asOf: new Date('2027-01-31T00:00:00.000Z') });
  expect(new Date(loaded!.cutoffs.outbox).toISOString()).toBe('2027-01-01T00:00:00.000Z');
});
