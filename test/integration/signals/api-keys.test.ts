import { createHash, createHmac } from 'node:crypto';
import { ApiKey } from '../../../src/domain/signals/api-key.entity';
import { createApiKey } from '../../../src/domain/signals/create-api-key';
import { listApiKeys } from '../../../src/domain/signals/list-api-keys';
import { revokeApiKey } from '../../../src/domain/signals/revoke-api-key';
import { systemActor } from '../../../src/domain/shared/actor';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { auditCount, makeTenant, makeUser, refused } from '../domain/domain-world';

const encryptionKey = 'k'.repeat(16) + 'signals-test-encryption-key';
const secrets = { encryptionKey };
let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function world() {
  const tenant = await makeTenant(db.em());
  const admin = await makeUser(db.em(), tenant, { role: 'admin' });
  const rep = await makeUser(db.em(), tenant, { role: 'rep' });
  const manager = await makeUser(db.em(), tenant, { role: 'manager' });
  return { tenant, admin: admin.actor, rep: rep.actor, manager: manager.actor };
}

const rowsOf = async (tenantId: string) => (await db.em().getConnection().execute(`select to_jsonb(k)::text as j from api_keys k where tenant_id = ? order by created_at`, [tenantId])) as Array<{ j: string }>;
const auditsOf = async (tenantId: string) => (await db.em().getConnection().execute(`select action, before::text as before, after::text as after from audit_log where tenant_id = ? and entity_type = 'api_key' order by id`, [tenantId])) as Array<{ action: string; before: string | null; after: string | null }>;

test('an admin creates a key: sfa_<prefix>_<secret>, the secret derived from ENCRYPTION_KEY, only its SHA-256 stored, audited without it', async () => {
  const w = await world();
  const { key, plaintext } = await createApiKey(db.em(), w.admin, { name: '  website ' }, secrets);
  expect(plaintext).toMatch(/^sfa_[a-z2-7]{12}_[A-Za-z0-9_-]{32}$/);
  expect(plaintext.slice(4, 16)).toBe(key.prefix);
  // The secret, computed here independently of the code under test.
  const secret = createHmac('sha256', encryptionKey).update(`sfa-api-key:${key.prefix}`).digest('base64url').slice(0, 32);
  expect(plaintext).toBe(`sfa_${key.prefix}_${secret}`);
  const stored = await db.em().findOneOrFail(ApiKey, { id: key.id });
  expect(stored).toMatchObject({ tenantId: w.tenant.id, name: 'website', prefix: key.prefix, createdBy: w.admin.userId, revokedAt: null, lastUsedAt: null });
  expect(stored.keyHash).toBe(createHash('sha256').update(plaintext).digest('hex'));
  // The key and its secret are nowhere in the database: not in the row, not in the audit.
  const rows = await rowsOf(w.tenant.id);
  const audits = await auditsOf(w.tenant.id);
  for (const text of [...rows.map((r) => r.j), ...audits.map((a) => `${a.before} ${a.after}`)]) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(plaintext);
  }
  expect(audits).toHaveLength(1);
  expect(audits[0]!.action).toBe('api_key.create');
  expect(audits[0]!.after).not.toContain(stored.keyHash);
  expect(JSON.parse(audits[0]!.after!)).toMatchObject({ name: 'website', prefix: key.prefix });
});

test('two keys get different prefixes and secrets; a different ENCRYPTION_KEY would derive another secret', async () => {
  const w = await world();
  const a = await createApiKey(db.em(), w.admin, { name: 'a' }, secrets);
  const b = await createApiKey(db.em(), w.admin, { name: 'b' }, secrets);
  expect(a.key.prefix).not.toBe(b.key.prefix);
  expect(a.plaintext.slice(17)).not.toBe(b.plaintext.slice(17));
  const other = createHmac('sha256', 'another-encryption-key-of-32-chars!!').update(`sfa-api-key:${a.key.prefix}`).digest('base64url').slice(0, 32);
  expect(a.plaintext.slice(17)).not.toBe(other);
});

test('without ENCRYPTION_KEY, reps and managers, and bad names are refused; nothing stored, nothing audited', async () => {
  const w = await world();
  const before = await auditCount(db, [w.tenant.id]);
  const noKey = await refused(createApiKey(db.em(), w.admin, { name: 'website' }, {}), 'conflict');
  expect(noKey.reason).toBe('no_encryption_key');
  expect((await refused(createApiKey(db.em(), w.rep, { name: 'website' }, secrets), 'forbidden')).reason).toBe('role');
  expect((await refused(createApiKey(db.em(), w.manager, { name: 'website' }, secrets), 'forbidden')).reason).toBe('role');
  for (const name of ['', '   ', 'x'.repeat(101), 'drop;table', '-leading', 'tab\there']) {
    await refused(createApiKey(db.em(), w.admin, { name }, secrets), 'invalid_input');
  }
  expect(await rowsOf(w.tenant.id)).toEqual([]);
  expect(await auditCount(db, [w.tenant.id])).toBe(before);
  // Names in any script, with spaces, dots, dashes and underscores, up to 100 characters.
  for (const name of ['官网', 'Webinar tool 2.0', 'mkt_automation-eu', 'x'.repeat(100)]) await createApiKey(db.em(), w.admin, { name }, secrets);
  expect(await rowsOf(w.tenant.id)).toHaveLength(4);
});

test('names are unique among a tenant\'s active keys: a revoked key\'s name can be used again, another tenant\'s always', async () => {
  const w = await world();
  const other = await world();
  const first = await createApiKey(db.em(), w.admin, { name: 'website' }, secrets);
  expect((await refused(createApiKey(db.em(), w.admin, { name: 'website' }, secrets), 'duplicate')).reason).toBe('api_key');
  await createApiKey(db.em(), other.admin, { name: 'website' }, secrets);
  await revokeApiKey(db.em(), w.admin, { key: 'website' });
  const second = await createApiKey(db.em(), w.admin, { name: 'website' }, secrets);
  expect(second.key.prefix).not.toBe(first.key.prefix);
  // Two admins at once: one key, one refusal.
  const raced = await Promise.allSettled([1, 2, 3].map(() => createApiKey(db.em(), w.admin, { name: 'raced' }, secrets)));
  expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  for (const r of raced) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'duplicate', details: { reason: 'api_key' } });
  expect(await db.em().count(ApiKey, { tenantId: w.tenant.id, name: 'raced' })).toBe(1);
});

test('revoke by name or by prefix, once (a second revoke changes nothing); unknown and other tenants\' keys are not found', async () => {
  const w = await world();
  const other = await world();
  const a = await createApiKey(db.em(), w.admin, { name: 'website' }, secrets);
  const b = await createApiKey(db.em(), w.admin, { name: 'webinars' }, secrets);
  const theirs = await createApiKey(db.em(), other.admin, { name: 'theirs' }, secrets);

  const byName = await revokeApiKey(db.em(), w.admin, { key: 'website' });
  expect(byName).toMatchObject({ alreadyRevoked: false, key: { id: a.key.id } });
  const byPrefix = await revokeApiKey(db.em(), w.admin, { key: b.key.prefix.toUpperCase() });
  expect(byPrefix).toMatchObject({ alreadyRevoked: false, key: { id: b.key.id } });
  const revokedAt = (await db.em().findOneOrFail(ApiKey, { id: b.key.id })).revokedAt;
  expect(revokedAt).toBeInstanceOf(Date);
  const again = await revokeApiKey(db.em(), w.admin, { key: b.key.prefix });
  expect(again.alreadyRevoked).toBe(true);
  expect((await db.em().findOneOrFail(ApiKey, { id: b.key.id })).revokedAt).toEqual(revokedAt);
  // A revoked key is no longer found by its name.
  expect((await refused(revokeApiKey(db.em(), w.admin, { key: 'website' }), 'not_found')).reason).toBe('api_key');
  await refused(revokeApiKey(db.em(), w.admin, { key: theirs.key.prefix }), 'not_found');
  await refused(revokeApiKey(db.em(), w.admin, { key: 'theirs' }), 'not_found');
  await refused(revokeApiKey(db.em(), w.rep, { key: 'webinars' }), 'forbidden');
  expect((await db.em().findOneOrFail(ApiKey, { id: theirs.key.id })).revokedAt).toBeNull();
  expect((await auditsOf(w.tenant.id)).map((x) => x.action)).toEqual(['api_key.create', 'api_key.create', 'api_key.revoke', 'api_key.revoke']);
});

test('the list: the tenant\'s keys, active first, newest first, without hashes; admins only (the CLI too)', async () => {
  const w = await world();
  const other = await world();
  const old = await createApiKey(db.em(), w.admin, { name: 'old' }, secrets);
  const gone = await createApiKey(db.em(), w.admin, { name: 'gone' }, secrets);
  const fresh = await createApiKey(db.em(), w.admin, { name: 'fresh' }, secrets);
  await createApiKey(db.em(), other.admin, { name: 'theirs' }, secrets);
  await revokeApiKey(db.em(), w.admin, { key: 'gone' });
  const listed = await listApiKeys(db.em(), w.admin);
  expect(listed.map((k) => k.name)).toEqual(['fresh', 'old', 'gone']);
  expect(listed.map((k) => k.prefix)).toEqual([fresh.key.prefix, old.key.prefix, gone.key.prefix]);
  expect(listed[2]!.revokedAt).toBeInstanceOf(Date);
  expect(listed[0]).toEqual({ id: fresh.key.id, name: 'fresh', prefix: fresh.key.prefix, createdAt: expect.any(Date), lastUsedAt: null, revokedAt: null });
  expect(JSON.stringify(listed)).not.toMatch(/[0-9a-f]{64}/);
  expect(await listApiKeys(db.em(), systemActor(w.tenant.id, 'cli'))).toHaveLength(3);
  await refused(listApiKeys(db.em(), w.rep), 'forbidden');
  await refused(listApiKeys(db.em(), w.manager), 'forbidden');
});
