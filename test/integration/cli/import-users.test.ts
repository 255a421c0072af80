import { importUsers } from '../../../src/cli/import-users.command';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { OrgUnit } from '../../../src/domain/org/org-unit.entity';
import { User } from '../../../src/domain/org/user.entity';
import { resolveAccess } from '../../../src/domain/shared/access';
import { userActor } from '../../../src/domain/shared/actor';
import { makeTenant, makeUser } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { badLines, fixture, reasonsFor } from './cli-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const usersOf = async (tenantId: string) => new Map((await db.em().find(User, { tenantId })).map((u) => [u.email!, u]));
const unitsOf = async (tenantId: string) => new Map((await db.em().find(OrgUnit, { tenantId })).map((u) => [u.namePath, u]));

test('a good file creates the users and the org tree, names managers and normalises locales and zones', async () => {
  const tenant = await makeTenant(db.em(), 'good', { defaultLocale: 'en', defaultTimezone: 'Europe/Berlin' });
  const result = await importUsers(db.em(), 'good', fixture('users-good.csv'));
  expect(result).toMatchObject({ imported: true, rows: 7, created: 7, updated: 0, unchanged: 0, skipped: 0, errors: [], unitsCreated: 5, managersSet: 3 });

  const users = await usersOf(tenant.id);
  const units = await unitsOf(tenant.id);
  expect([...units.keys()].sort()).toEqual(['Sales', 'Sales/East', 'Sales/East/Shanghai', 'Sales/North', 'Sales/South']);
  const li = users.get('li.qiang@example.com')!;
  expect(li).toMatchObject({ name: '李强', role: 'manager', locale: 'zh-CN', timezone: 'Asia/Shanghai', slackUserId: 'U01LIQIANG', orgUnitId: units.get('Sales/North')!.id });
  // Email lower-cased, "Manager" understood, "Sales / East" trimmed, zone spelt canonically.
  const emily = users.get('emily.chen@example.com')!;
  expect(emily).toMatchObject({ role: 'manager', locale: 'en', timezone: 'Asia/Shanghai', teamsAadObjectId: '8f14e45f-ceea-467f-a0b5-8c4b1c0f3a21', orgUnitId: units.get('Sales/East')!.id });
  expect(users.get('wang.wei@example.com')).toMatchObject({ locale: 'zh-CN', role: 'rep' });
  expect(users.get('kevin.wu@example.com')).toMatchObject({ name: 'Wu, Kevin', locale: 'en' });
  // Empty cells take the defaults: role rep, the tenant's time zone.
  expect(users.get('huang.li@example.com')).toMatchObject({ name: '黄丽', role: 'rep', locale: 'zh-CN', timezone: 'Europe/Berlin' });
  expect(users.get('zhao.min@example.com')).toMatchObject({ role: 'admin', orgUnitId: units.get('Sales')!.id });

  expect(units.get('Sales/North')!.managerId).toBe(li.id);
  expect(units.get('Sales/East')!.managerId).toBe(emily.id);
  expect(units.get('Sales/South')!.managerId).toBe(users.get('chen.jing@example.com')!.id);
  expect(units.get('Sales/East/Shanghai')!.managerId).toBeNull();
  // The manager really sees the people below her unit.
  const access = await resolveAccess(db.em(), userActor(tenant.id, emily.id, 'manager'));
  expect(access.scope).not.toBe('tenant');
  expect([...(access.scope as Set<string>)].sort()).toEqual([emily.id, users.get('kevin.wu@example.com')!.id, users.get('huang.li@example.com')!.id].sort());

  const audit = await db.em().find(AuditEntry, { tenantId: tenant.id });
  const count = (action: string) => audit.filter((a) => a.action === action).length;
  expect([count('user.create'), count('org_unit.create'), count('org_unit.set_manager')]).toEqual([7, 5, 3]);
  expect(new Set(audit.map((a) => a.actorLabel))).toEqual(new Set(['cli']));
  expect(audit.every((a) => a.actorUserId === null)).toBe(true);
  expect(audit.find((a) => a.action === 'user.create' && a.entityId === li.id)!.after).toMatchObject({ email: 'li.qiang@example.com', role: 'manager' });
});

test('re-importing updates instead of duplicating: same file changes nothing, a changed field is updated', async () => {
  const tenant = await makeTenant(db.em(), 'again');
  await importUsers(db.em(), 'again', fixture('users-good.csv'));
  const auditBefore = await db.em().count(AuditEntry, { tenantId: tenant.id });

  const same = await importUsers(db.em(), 'again', fixture('users-good.csv'));
  expect(same).toMatchObject({ imported: true, created: 0, updated: 0, unchanged: 7, unitsCreated: 0, managersSet: 0 });
  expect(await db.em().count(User, { tenantId: tenant.id })).toBe(7);
  expect(await db.em().count(AuditEntry, { tenantId: tenant.id })).toBe(auditBefore);

  // Wang Wei is promoted to run a new Beijing unit; everything else is as before.
  const changed = await importUsers(db.em(), 'again', fixture('users-changed.csv'));
  expect(changed).toMatchObject({ imported: true, created: 0, updated: 1, unchanged: 6, unitsCreated: 1, managersSet: 1 });
  expect(await db.em().count(User, { tenantId: tenant.id })).toBe(7);
  const wang = (await usersOf(tenant.id)).get('wang.wei@example.com')!;
  const beijing = (await unitsOf(tenant.id)).get('Sales/North/Beijing')!;
  expect(wang).toMatchObject({ role: 'manager', orgUnitId: beijing.id });
  expect(beijing.managerId).toBe(wang.id);
  const update = await db.em().findOneOrFail(AuditEntry, { tenantId: tenant.id, action: 'user.update', entityId: wang.id });
  expect(update.before).toMatchObject({ role: 'rep' });
  expect(update.after).toMatchObject({ role: 'manager', orgUnitId: beijing.id });
});

test('a file with bad rows imports nothing and names every bad line; --skip-invalid imports the good ones', async () => {
  const tenant = await makeTenant(db.em(), 'bad');
  const refused = await importUsers(db.em(), 'bad', fixture('users-bad.csv'));
  expect(refused.imported).toBe(false);
  expect(refused).toMatchObject({ rows: 13, created: 0, updated: 0, skipped: 0 });
  expect(badLines(refused.errors)).toEqual([3, 4, 5, 7, 8, 9, 10, 12, 13, 14]);
  const reason = (line: number) => reasonsFor(refused.errors, line);
  expect(reason(3)).toMatch(/email "not-an-email" is not a valid email address/);
  expect(reason(4)).toMatch(/name is required/);
  expect(reason(5)).toMatch(/role "boss" must be rep, manager or admin/);
  expect(reason(7)).toMatch(/locale "fr" must be en or zh-CN/);
  expect(reason(8)).toMatch(/timezone "Asia\/Atlantis" is not an IANA time zone/);
  expect(reason(9)).toMatch(/email dup@example.com appears more than once \(lines 9, 10\)/);
  expect(reason(10)).toBe(reason(9));
  expect(reason(12)).toMatch(/slack_user_id U02SAME appears more than once \(lines 12, 13\)/);
  expect(reason(14)).toMatch(/has 3 fields, the header has 8/);
  expect(await db.em().count(User, { tenantId: tenant.id })).toBe(0);
  expect(await db.em().count(OrgUnit, { tenantId: tenant.id })).toBe(0);
  expect(await db.em().count(AuditEntry, { tenantId: tenant.id })).toBe(0);

  const skipped = await importUsers(db.em(), 'bad', fixture('users-bad.csv'), { skipInvalid: true });
  expect(skipped).toMatchObject({ imported: true, created: 3, skipped: 10, managersSet: 1 });
  expect(badLines(skipped.errors)).toEqual([3, 4, 5, 7, 8, 9, 10, 12, 13, 14]);
  const users = await usersOf(tenant.id);
  expect([...users.keys()].sort()).toEqual(['ok.one@example.com', 'ok.three@example.com', 'ok.two@example.com']);
  expect((await unitsOf(tenant.id)).get('Sales/West')!.managerId).toBe(users.get('ok.three@example.com')!.id);
});

test('a missing or misspelt column stops the file, naming the column', async () => {
  await makeTenant(db.em(), 'columns');
  await expect(importUsers(db.em(), 'columns', fixture('users-missing-column.csv'))).rejects.toThrow(/missing required column: email.*unknown column: slak_user_id/);
});

test('chat ids: one held by someone else is an error; a chat-first user without email is the same person', async () => {
  const em = db.em();
  const tenant = await makeTenant(em, 'chat');
  await makeUser(em, tenant, { slackUserId: 'U0TAKEN', name: 'Holder' });
  const chatFirst = em.create(User, { tenantId: tenant.id, email: null, name: 'chat user', slackUserId: 'U0CHAT' } as User);
  await em.flush();
  const csv = 'email,name,slack_user_id\nnew.person@example.com,New Person,U0TAKEN\nchat.user@example.com,Chat User,u0chat\n';

  const refused = await importUsers(db.em(), 'chat', csv);
  expect(refused.imported).toBe(false);
  expect(badLines(refused.errors)).toEqual([2]);
  expect(reasonsFor(refused.errors, 2)).toMatch(/slack_user_id U0TAKEN already belongs to Holder <user\d+@example.com>/);

  const result = await importUsers(db.em(), 'chat', csv, { skipInvalid: true });
  expect(result).toMatchObject({ created: 0, updated: 1, skipped: 1 });
  const linked = await db.em().findOneOrFail(User, { id: chatFirst.id });
  expect(linked).toMatchObject({ email: 'chat.user@example.com', name: 'Chat User', slackUserId: 'U0CHAT' });
  expect(await db.em().count(User, { tenantId: tenant.id })).toBe(2);
});
