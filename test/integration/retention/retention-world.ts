import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { EntityManager } from '@mikro-orm/postgresql';
import { setRetentionPolicy } from '../../../src/domain/retention/set-retention-policy';
import type { RetentionChange } from '../../../src/domain/retention/retention-rules';
import { systemActor } from '../../../src/domain/shared/actor';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { makeTenant } from '../../support/factories';

export const day = 24 * 3600 * 1000;
export const ago = (asOf: Date, days: number, plusMs = 0): Date => new Date(asOf.getTime() - days * day + plusMs);

/** Rows written straight into the tables, at the times a test needs (the use cases would stamp now()). */
export function rows(em: EntityManager) {
  const run = (sql: string, params: unknown[]) => em.getConnection().execute(sql, params);
  return {
    delivery: (tenant: Tenant, key: string, status: 'sending' | 'sent' | 'failed' | 'dead', at: Date) =>
      run(`insert into deliveries (tenant_id, idempotency_key, kind, status, attempts, created_at, updated_at) values (?, ?, 'test', ?, 1, ?, ?)`, [tenant.id, key, status, at, at]),
    /** `settled`: settled at `at`; `published`: published, job running; `unpublished`: not yet handed to Redis. */
    outbox: (tenant: Tenant, aggregateId: string, state: 'settled' | 'published' | 'unpublished', at: Date, topic = 'visit.reminder') =>
      run(
        `insert into outbox (tenant_id, topic, aggregate_id, action, payload, created_at, published_at, settled_at) values (?, ?, ?, 'schedule', '{}', ?, ?, ?)`,
        [tenant.id, topic, aggregateId, at, state === 'unpublished' ? null : at, state === 'settled' ? at : null],
      ),
    chatRequest: (tenant: Tenant, key: string, at: Date, answered = true) =>
      run(
        `insert into chat_requests (tenant_id, key, user_id, reply, answered_at, created_at) values (?, ?, gen_random_uuid(), '{"type":"none"}', ?, ?)`,
        [tenant.id, key, answered ? at : null, at],
      ),
    audit: (tenant: Tenant, entityId: string, at: Date, after: Record<string, unknown> = { name: entityId }) =>
      run(
        `insert into audit_log (tenant_id, actor_label, action, entity_type, entity_id, before, after, at) values (?, 'test', 'customer.update', 'customer', ?, ?, ?, ?)`,
        [tenant.id, entityId, JSON.stringify({ name: 'before' }), JSON.stringify(after), at],
      ),
  };
}

export async function tenantWith(em: EntityManager, slug: string, change: RetentionChange = {}): Promise<Tenant> {
  const tenant = await makeTenant(em, slug);
  if (Object.keys(change).length > 0) await setRetentionPolicy(em.fork(), systemActor(tenant.id, 'test'), change);
  return tenant;
}

/** What is left of a tenant's test rows, by their keys. */
export async function remaining(em: EntityManager, tenant: Tenant): Promise<Record<'deliveries' | 'outbox' | 'chatRequests' | 'audit', string[]>> {
  const keys = async (sql: string) => ((await em.getConnection().execute(sql, [tenant.id])) as Array<{ k: string }>).map((r) => r.k).sort();
  return {
    deliveries: await keys(`select idempotency_key as k from deliveries where tenant_id = ?`),
    outbox: await keys(`select aggregate_id as k from outbox where tenant_id = ?`),
    chatRequests: await keys(`select key as k from chat_requests where tenant_id = ?`),
    audit: await keys(`select entity_id as k from audit_log where tenant_id = ? and actor_label = 'test' and action = 'customer.update'`),
  };
}

const made: string[] = [];

/** A fresh archive directory, removed by `removeTempDirs`. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-retention-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Every JSON line of every archive file under `dir`, by file (relative path). */
export function readArchives(dir: string): Record<string, Array<Record<string, unknown>>> {
  const found: Record<string, Array<Record<string, unknown>>> = {};
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else found[rel] = gunzipSync(fs.readFileSync(path.join(dir, rel))).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    }
  };
  if (fs.existsSync(dir)) walk('');
  return found;
}
