import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { seedDemo } from '../../../src/cli/seed-demo.command';
import { readCatalog } from '../../../src/db/backup/catalog';
import { planTenantDump, quoteIdent, tenantRowsWhere, type TenantDumpPlan } from '../../../src/db/backup/tenant-dump-plan';
import { openOrm, type MikroORM } from '../../../src/db/orm';
import { SecretBox } from '../../../src/db/secret-box';
import { baseDatabaseUrl, createTestDatabase, type TestDatabase } from '../../support/test-database';

export const encryptionKey = 'backup-test-encryption-key-0123456789abcdef';
export const demoTeamId = 'TDEMOBKP';
export const otherTeamId = 'TOTHERBKP';

/** The tables the fixture puts rows of both tenants in (a later table is compared all the same). */
export const filledTables = [
  'tenants', 'org_units', 'users', 'customers', 'interactions', 'opportunities', 'opportunity_stage_changes', 'products', 'order_lines',
  'audit_log', 'slack_installations', 'outbox', 'deliveries', 'report_subscriptions', 'price_rules', 'quotes', 'quote_lines',
  'teams_conversations', 'teams_channels', 'chat_requests', 'forecast_factors', 'forecast_snapshots',
];

export type SeededTenant = { id: string; slug: string; teamId: string };

/** What the restored service must show: a rep, one of their customers and a visit logged just before the backup. */
export type Marker = { repSlackId: string; customerName: string; note: string; reminderCustomer: string; reminderRepSlackId: string; reminderOutboxId: string };

export type Source = { db: TestDatabase; demo: SeededTenant; other: SeededTenant; marker: Marker; plan: TenantDumpPlan };

const tmpDirs: string[] = [];

/** A path in a temporary directory of its own; removeTmpFiles() deletes them all. */
export function tmpFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-backup-'));
  tmpDirs.push(dir);
  return path.join(dir, name);
}

export function removeTmpFiles(): void {
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** An empty database on the test server (migrated or not), and how to drop it. */
export function databaseUrl(tag: string): { url: string; name: string } {
  const name = `sfa_test_${process.pid}_${tag}_${randomBytes(3).toString('hex')}`;
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = await openOrm(baseDatabaseUrl);
  try {
    await admin.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.close(true);
  }
}

/** `sfa …` in this process against `url`, with what it printed. */
export async function sfa(url: string, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DATABASE_URL: url, PATH: process.env.PATH });
  return { code, out, err };
}

export async function dumpPlan(orm: MikroORM): Promise<TenantDumpPlan> {
  const db = orm.em.fork().getConnection();
  return planTenantDump(await readCatalog((sql, params = []) => db.execute(sql, params)));
}

export type Fingerprint = { rows: number; md5: string | null };

/**
 * Per table, how many of the tenant's rows there are and a checksum of them (each row as text,
 * in text order). `without` leaves a column out of the checksum (ids a load renumbered).
 */
export async function fingerprints(orm: MikroORM, plan: TenantDumpPlan, tenantId: string | null, without: Record<string, string> = {}): Promise<Record<string, Fingerprint>> {
  const db = orm.em.fork().getConnection();
  const result: Record<string, Fingerprint> = {};
  for (const t of plan.tables) {
    const row = without[t.table] ? `(to_jsonb(r) - '${without[t.table]}')::text` : 'r::text';
    const where = tenantId ? `where ${tenantRowsWhere(plan, t.table, tenantId)}` : '';
    const [f] = await db.execute<Array<{ rows: string; md5: string | null }>>(
      `select count(*) as rows, md5(string_agg(${row}, E'\\n' order by ${row})) as md5 from ${quoteIdent(t.table)} r ${where}`,
    );
    result[t.table] = { rows: Number(f!.rows), md5: f!.md5 };
  }
  return result;
}

/**
 * Rows in every table the seed does not fill, for one tenant, through plain SQL (the fixture
 * should not depend on how each feature writes). Returns the pending reminder's outbox id.
 */
async function fillTenantTables(orm: MikroORM, tenant: SeededTenant, opts: { pendingReminder: boolean }): Promise<{ outboxId: string; reminderCustomer: string; reminderRepSlackId: string } | undefined> {
  const db = orm.em.fork().getConnection();
  const one = async <T>(sql: string, params: unknown[] = []) => (await db.execute<T[]>(sql, params))[0]!;
  const t = tenant.id;
  const s = tenant.slug;
  const manager = await one<{ id: string }>(`select id from users where tenant_id = ? and role = 'manager' order by id limit 1`, [t]);
  const product = await one<{ id: string; sku: string; name: string }>(`select id, sku, name from products where tenant_id = ? order by id limit 1`, [t]);
  const deal = await one<{ id: string; customer_id: string; owner_id: string }>(`select id, customer_id, owner_id from opportunities where tenant_id = ? and stage not in ('won', 'lost') order by id limit 1`, [t]);
  const box = new SecretBox(encryptionKey);
  await db.execute(`insert into slack_installations (id, tenant_id, is_enterprise, encrypted, installed_by, installed_at, updated_at) values (?, ?, false, ?, 'UINSTALLER', now(), now())`, [
    tenant.teamId, t, box.seal(JSON.stringify({ team: { id: tenant.teamId, name: s }, bot: { token: `xoxb-${s}-secret`, userId: 'UBOT' } })),
  ]);
  await db.execute(`insert into deliveries (tenant_id, idempotency_key, kind, user_id, channel, status, attempts, created_at, updated_at, sent_at) values (?, ?, 'visit_reminder', ?, 'D1', 'sent', 1, now(), now(), now())`, [t, `${s}.visit-reminder.1`, manager.id]);
  await db.execute(
    `insert into report_subscriptions (id, tenant_id, owner_id, scope, platform, channel_id, channel_name, period, local_time, timezone, created_at, updated_at) values (gen_random_uuid(), ?, ?, 'team', 'slack', 'CSALES', 'sales', 'weekly', '09:00', 'Asia/Shanghai', now(), now())`,
    [t, manager.id],
  );
  await db.execute(`insert into price_rules (id, tenant_id, name, kind, sku, percent, min_quantity, active, created_at) values (gen_random_uuid(), ?, 'Ten or more', 'volume', ?, 5, 10, true, now())`, [t, product.sku]);
  const quote = await one<{ id: string }>(
    `insert into quotes (id, tenant_id, number, customer_id, opportunity_id, owner_id, currency, status, total, valid_until, created_at, updated_at)
     values (gen_random_uuid(), ?, 'Q-0001', ?, ?, ?, 'CNY', 'pending_approval', 1000, current_date + 30, now(), now()) returning id`,
    [t, deal.customer_id, deal.id, deal.owner_id],
  );
  for (const position of [1, 2]) {
    await db.execute(`insert into quote_lines (id, quote_id, position, product_id, sku, name, quantity, list_price, unit_price, total, applied) values (gen_random_uuid(), ?, ?, ?, ?, ?, 2, 250, 250, 500, '[]')`, [quote.id, position, product.id, product.sku, product.name]);
  }
  await db.execute(`insert into teams_conversations (user_id, tenant_id, conversation_id, reference, active, updated_at) values (?, ?, ?, '{"conversation":{"id":"a:1"}}', true, now())`, [manager.id, t, `a:${s}:1`]);
  await db.execute(`insert into teams_channels (conversation_id, tenant_id, reference, active, updated_at) values (?, ?, '{"conversation":{"id":"19:x"}}', true, now())`, [`19:${s}@thread.tacv2`, t]);
  await db.execute(`insert into chat_requests (tenant_id, key, user_id, reply, answered_at) values (?, ?, ?, '{"kind":"card","text":"ok"}', now())`, [t, `slack.cmd.${s}.1`, manager.id]);
  await db.execute(`insert into forecast_factors (id, tenant_id, scope, scope_value, percent, from_month, note) values (gen_random_uuid(), ?, 'region', 'East', 10, date_trunc('month', now())::date, 'trade fair')`, [t]);
  await db.execute(
    `insert into forecast_snapshots (tenant_id, reach, dimension, key, made_month, month, horizon, point, low80, high80, low95, high95, baseline, factor, model)
     values (?, 'org', 'total', 'total', date_trunc('month', now())::date, (date_trunc('month', now()) + interval '1 month')::date, 1, 100, 80, 120, 70, 130, 95, 1.05, 'mstl-ets')`,
    [t],
  );
  for (let i = 0; i < 3; i++) {
    await db.execute(`insert into audit_log (tenant_id, actor_label, action, entity_type, entity_id, after, at) values (?, 'test', 'fixture.write', 'tenant', ?, '{"n":1}', now())`, [t, t]);
  }
  // Outbox: one row long settled, and a reminder published to a Redis that the restore will not have.
  await db.execute(`insert into outbox (tenant_id, topic, aggregate_id, action, payload, job_id, created_at, published_at, settled_at) values (?, 'visit.follow_up', ?, 'schedule', '{}', 'old-job', now(), now(), now())`, [t, deal.id]);
  if (!opts.pendingReminder) return undefined;
  const visit = await one<{ id: string; user_id: string; scheduled_at: Date; customer: string; slack_user_id: string; lead: number }>(
    `select i.id, i.user_id, i.scheduled_at, c.name as customer, u.slack_user_id, u.reminder_lead_minutes as lead
       from interactions i join customers c on c.id = i.customer_id join users u on u.id = i.user_id
      where i.tenant_id = ? and i.status = 'planned' and i.scheduled_at > now() + interval '1 hour' and u.active and u.slack_user_id is not null
      order by i.scheduled_at limit 1`,
    [t],
  );
  const payload = { visitId: visit.id, userId: visit.user_id, scheduledAt: new Date(visit.scheduled_at).toISOString(), leadMinutes: visit.lead };
  const row = await one<{ id: string }>(
    `insert into outbox (tenant_id, topic, aggregate_id, action, due_at, payload, job_id, created_at, published_at) values (?, 'visit.reminder', ?, 'schedule', now() - interval '1 minute', ?, 'visit-reminder.gone', now() - interval '1 hour', now() - interval '1 hour') returning id`,
    [t, visit.id, JSON.stringify(payload)],
  );
  return { outboxId: String(row.id), reminderCustomer: visit.customer, reminderRepSlackId: visit.slack_user_id };
}

/** The tenant as a Slack workspace would have it: a team id on the tenant, a Slack user id per person. */
async function linkToSlack(orm: MikroORM, tenant: SeededTenant): Promise<void> {
  const db = orm.em.fork().getConnection();
  await db.execute(`update tenants set slack_team_id = ? where id = ?`, [tenant.teamId, tenant.id]);
  await db.execute(`update users set slack_team_id = ?, slack_user_id = 'U' || upper(substr(replace(id::text, '-', ''), 1, 10)) where tenant_id = ?`, [tenant.teamId, tenant.id]);
}

/** A rep with a customer of their own, a visit logged just now, and a move to another unit since their history. */
async function makeMarker(orm: MikroORM, tenant: SeededTenant): Promise<Pick<Marker, 'repSlackId' | 'customerName' | 'note'>> {
  const db = orm.em.fork().getConnection();
  const [c] = await db.execute<Array<{ id: string; name: string; owner_id: string; slack_user_id: string; org_unit_id: string }>>(
    `select c.id, c.name, c.owner_id, u.slack_user_id, u.org_unit_id from customers c join users u on u.id = c.owner_id
      where c.tenant_id = ? and u.role = 'rep' and u.active
        and not exists (select 1 from interactions i where i.customer_id = c.id and i.status = 'planned')
        and exists (select 1 from interactions i where i.user_id = u.id and i.status = 'done')
      order by c.name limit 1`,
    [tenant.id],
  );
  const note = `restore-marker ${randomBytes(3).toString('hex')}`;
  await db.execute(
    `insert into interactions (id, tenant_id, customer_id, user_id, type, status, occurred_at, notes, outcome, created_at, updated_at) values (gen_random_uuid(), ?, ?, ?, 'visit', 'done', now() - interval '1 minute', ?, 'met', now(), now())`,
    [tenant.id, c!.id, c!.owner_id, note],
  );
  // History keeps the unit it happened in: a restore that recomputed it would move this rep's past visits.
  await db.execute(`update users set org_unit_id = (select id from org_units where tenant_id = ? and id <> ? and parent_id is not null order by name limit 1) where id = ?`, [tenant.id, c!.org_unit_id, c!.owner_id]);
  return { repSlackId: c!.slack_user_id, customerName: c!.name, note };
}

/** A database with the demo tenant and a second one, with rows of both in every tenant table. */
export async function createSource(): Promise<Source> {
  const db = await createTestDatabase();
  try {
    return await fillSource(db);
  } catch (err) {
    await db.drop();
    throw err;
  }
}

async function fillSource(db: TestDatabase): Promise<Source> {
  const now = new Date();
  await seedDemo(db.em(), { slug: 'demo', now });
  await seedDemo(db.em(), { slug: 'other', now });
  const idOf = async (slug: string) => (await db.em().getConnection().execute<Array<{ id: string }>>(`select id from tenants where slug = ?`, [slug]))[0]!.id;
  const demo = { id: await idOf('demo'), slug: 'demo', teamId: demoTeamId };
  const other = { id: await idOf('other'), slug: 'other', teamId: otherTeamId };
  for (const t of [demo, other]) await linkToSlack(db.orm, t);
  const marker = await makeMarker(db.orm, demo);
  await makeMarker(db.orm, other);
  const reminder = (await fillTenantTables(db.orm, demo, { pendingReminder: true }))!;
  await fillTenantTables(db.orm, other, { pendingReminder: false });
  return { db, demo, other, marker: { ...marker, reminderCustomer: reminder.reminderCustomer, reminderRepSlackId: reminder.reminderRepSlackId, reminderOutboxId: reminder.outboxId }, plan: await dumpPlan(db.orm) };
}
