import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { getCustomerView } from '../../../src/domain/customers/get-customer-view';
import { updateCustomer } from '../../../src/domain/customers/update-customer';
import { createCustomer } from '../../../src/domain/customers/create-customer';
import { ensureOrgUnitPath } from '../../../src/domain/org/ensure-org-unit-path';
import { listOrgUnits } from '../../../src/domain/org/list-org-units';
import { listTeamMembers } from '../../../src/domain/org/list-team-members';
import { moveUserToUnit } from '../../../src/domain/org/move-user-to-unit';
import { OrgUnit } from '../../../src/domain/org/org-unit.entity';
import { setUnitManager } from '../../../src/domain/org/set-unit-manager';
import { setUserRole } from '../../../src/domain/org/set-user-role';
import { User, type Role } from '../../../src/domain/org/user.entity';
import { resolveAccess } from '../../../src/domain/shared/access';
import { systemActor } from '../../../src/domain/shared/actor';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeCustomer, makeOrgWorld, makeTenant, makeUnit, makeUser, refused, refusedWithoutChange } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const units = (tenantId: string) => db.em().find(OrgUnit, { tenantId }, { orderBy: { namePath: 'asc' } });

describe('ensureOrgUnitPath', () => {
  test('creates the missing parents with a materialised id path, and is idempotent', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const { actor } = await makeUser(em, tenant, { role: 'admin' });
    const leaf = await ensureOrgUnitPath(db.em(), actor, ' Sales / East/Shanghai ');
    const [sales, east, shanghai] = await units(tenant.id);
    expect([sales!.namePath, east!.namePath, shanghai!.namePath]).toEqual(['Sales', 'Sales/East', 'Sales/East/Shanghai']);
    expect(leaf.id).toBe(shanghai!.id);
    expect(sales!.idPath).toBe(`/${sales!.id}/`);
    expect(east!.idPath).toBe(`/${sales!.id}/${east!.id}/`);
    expect(shanghai!.idPath).toBe(`/${sales!.id}/${east!.id}/${shanghai!.id}/`);
    expect([sales!.parentId, east!.parentId, shanghai!.parentId]).toEqual([null, sales!.id, east!.id]);
    expect(shanghai!.name).toBe('Shanghai');

    const audits = await db.em().count(AuditEntry, { tenantId: tenant.id, action: 'org_unit.create' });
    expect(audits).toBe(3);
    const again = await ensureOrgUnitPath(db.em(), actor, 'Sales/East/Shanghai');
    expect(again.id).toBe(leaf.id);
    const sibling = await ensureOrgUnitPath(db.em(), actor, 'Sales/West');
    expect(sibling.idPath).toBe(`/${sales!.id}/${sibling.id}/`);
    expect(await units(tenant.id)).toHaveLength(4);
    expect(await db.em().count(AuditEntry, { tenantId: tenant.id, action: 'org_unit.create' })).toBe(4);
  });

  test('the CLI (system actor) may build the tree too', async () => {
    const tenant = await makeTenant(db.em());
    const unit = await ensureOrgUnitPath(db.em(), systemActor(tenant.id, 'cli'), '销售部/华东');
    expect(unit.namePath).toBe('销售部/华东');
  });

  test('two imports creating the same path at once end with one unit', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const { actor } = await makeUser(em, tenant, { role: 'admin' });
    const results = await Promise.all([1, 2, 3].map(() => ensureOrgUnitPath(db.em(), actor, 'Sales/North/Harbin')));
    expect(new Set(results.map((u) => u.id)).size).toBe(1);
    expect((await units(tenant.id)).map((u) => u.namePath)).toEqual(['Sales', 'Sales/North', 'Sales/North/Harbin']);
    expect(await db.em().count(AuditEntry, { tenantId: tenant.id, action: 'org_unit.create' })).toBe(3);
  });

  test.each<[Role]>([['rep'], ['manager']])('a %s cannot change the tree', async (role) => {
    const em = db.em();
    const tenant = await makeTenant(em);
    await makeUnit(em, tenant, 'Sales');
    const { actor } = await makeUser(em, tenant, { role });
    await refusedWithoutChange(db, [tenant.id], () => ensureOrgUnitPath(db.em(), actor, 'Sales/East'), 'forbidden');
  });

  test.each([[''], [' / / '], [`Sales/${'x'.repeat(101)}`]])('path %j is refused', async (path) => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const { actor } = await makeUser(em, tenant, { role: 'admin' });
    await refusedWithoutChange(db, [tenant.id], () => ensureOrgUnitPath(db.em(), actor, path), 'invalid_input');
  });
});

describe('setUserRole', () => {
  test('refuses to demote the last admin, allows it once there is another', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const first = await makeUser(em, tenant, { role: 'admin' });
    const err = await refusedWithoutChange(db, [tenant.id], () => setUserRole(db.em(), first.actor, first.user.id, 'rep'), 'conflict');
    expect(err.details).toMatchObject({ reason: 'last_admin' });

    const second = await makeUser(em, tenant, { role: 'rep' });
    await setUserRole(db.em(), first.actor, second.user.id, 'admin');
    const demoted = await setUserRole(db.em(), second.actor, first.user.id, 'manager');
    expect(demoted.role).toBe('manager');
    expect((await db.em().findOneOrFail(User, { id: first.user.id })).role).toBe('manager');
    const audit = await db.em().find(AuditEntry, { tenantId: tenant.id, action: 'user.set_role' }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.entityId, a.before?.role, a.after?.role])).toEqual([
      [second.user.id, 'rep', 'admin'],
      [first.user.id, 'admin', 'manager'],
    ]);
    // The demoted admin lost their powers at once.
    await refusedWithoutChange(db, [tenant.id], () => setUserRole(db.em(), first.actor, second.user.id, 'rep'), 'forbidden');
  });

  test('two admins demoting each other at the same moment leave one admin', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const a = await makeUser(em, tenant, { role: 'admin' });
    const b = await makeUser(em, tenant, { role: 'admin' });
    const results = await Promise.allSettled([setUserRole(db.em(), a.actor, b.user.id, 'rep'), setUserRole(db.em(), b.actor, a.user.id, 'rep')]);
    expect(await db.em().count(User, { tenantId: tenant.id, role: 'admin' })).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(['conflict', 'forbidden']).toContain(loser.reason.code);
  });

  test('only admins change roles; an unknown role or user changes nothing', async () => {
    const world = await makeOrgWorld(db);
    const t = [world.tenant.id, world.otherTenant.id];
    await refusedWithoutChange(db, t, () => setUserRole(db.em(), world.manager.actor, world.repA.user.id, 'manager'), 'forbidden');
    await refusedWithoutChange(db, t, () => setUserRole(db.em(), world.repA.actor, world.repA.user.id, 'admin'), 'forbidden');
    await refusedWithoutChange(db, t, () => setUserRole(db.em(), world.admin.actor, world.repA.user.id, 'boss' as Role), 'invalid_input');
    await refusedWithoutChange(db, t, () => setUserRole(db.em(), world.admin.actor, world.foreignRep.user.id, 'manager'), 'not_found');
    // Setting the role a user already has is a no-op, not an audit row.
    const before = await db.em().count(AuditEntry, { tenantId: world.tenant.id });
    await setUserRole(db.em(), world.admin.actor, world.repA.user.id, 'rep');
    expect(await db.em().count(AuditEntry, { tenantId: world.tenant.id })).toBe(before);
  });
});

describe('moveUserToUnit', () => {
  test("changes a manager's reach on the very next call", async () => {
    const world = await makeOrgWorld(db);
    const westCustomer = await makeCustomer(world.em, world.tenant, world.repW.user, 'West Co');
    await refused(getCustomerView(db.em(), world.manager.actor, westCustomer.id), 'forbidden');

    await moveUserToUnit(db.em(), world.admin.actor, world.repW.user.id, world.shanghai.id);
    expect((await getCustomerView(db.em(), world.manager.actor, westCustomer.id)).customer.id).toBe(westCustomer.id);
    await updateCustomer(db.em(), world.manager.actor, westCustomer.id, { tier: 'A' });

    await moveUserToUnit(db.em(), world.admin.actor, world.repW.user.id, null);
    await refused(getCustomerView(db.em(), world.manager.actor, westCustomer.id), 'forbidden');
    const moves = await db.em().find(AuditEntry, { tenantId: world.tenant.id, action: 'user.move' }, { orderBy: { id: 'asc' } });
    expect(moves.map((m) => [m.before?.orgUnitId, m.after?.orgUnitId])).toEqual([
      [world.west.id, world.shanghai.id],
      [world.shanghai.id, null],
    ]);
  });

  test('moving the manager moves their reach with them', async () => {
    const world = await makeOrgWorld(db);
    // Nobody manages West by name; the manager becomes a member of it.
    await setUnitManager(db.em(), world.admin.actor, world.east.id, null);
    await moveUserToUnit(db.em(), world.admin.actor, world.manager.user.id, world.west.id);
    const team = await listTeamMembers(db.em(), world.manager.actor);
    expect(team.map((u) => u.name)).toEqual(['Mia Manager', 'Wes Rep']);
  });

  test('only admins move people; units and users of another tenant are not found', async () => {
    const world = await makeOrgWorld(db);
    const t = [world.tenant.id, world.otherTenant.id];
    await refusedWithoutChange(db, t, () => moveUserToUnit(db.em(), world.manager.actor, world.repW.user.id, world.east.id), 'forbidden');
    await refusedWithoutChange(db, t, () => moveUserToUnit(db.em(), world.admin.actor, world.repW.user.id, world.otherEast.id), 'not_found');
    await refusedWithoutChange(db, t, () => moveUserToUnit(db.em(), world.admin.actor, world.foreignRep.user.id, world.east.id), 'not_found');
  });
});

describe('setUnitManager', () => {
  test('naming a manager of a unit extends their reach to its subtree; clearing it takes it away', async () => {
    const world = await makeOrgWorld(db);
    const westCustomer = await makeCustomer(world.em, world.tenant, world.repW.user, 'West Co');
    await refused(getCustomerView(db.em(), world.manager.actor, westCustomer.id), 'forbidden');
    const unit = await setUnitManager(db.em(), world.admin.actor, world.west.id, world.manager.user.id);
    expect(unit.managerId).toBe(world.manager.user.id);
    expect((await getCustomerView(db.em(), world.manager.actor, westCustomer.id)).canEdit).toBe(true);
    await setUnitManager(db.em(), world.admin.actor, world.west.id, null);
    await refused(getCustomerView(db.em(), world.manager.actor, westCustomer.id), 'forbidden');
  });

  test('refuses a rep, a user of another tenant and a non-admin caller', async () => {
    const world = await makeOrgWorld(db);
    const t = [world.tenant.id, world.otherTenant.id];
    const err = await refusedWithoutChange(db, t, () => setUnitManager(db.em(), world.admin.actor, world.west.id, world.repA.user.id), 'conflict');
    expect(err.details).toMatchObject({ reason: 'not_manager' });
    await refusedWithoutChange(db, t, () => setUnitManager(db.em(), world.admin.actor, world.west.id, world.foreignRep.user.id), 'not_found');
    await refusedWithoutChange(db, t, () => setUnitManager(db.em(), world.manager.actor, world.west.id, world.manager.user.id), 'forbidden');
    await refusedWithoutChange(db, t, () => setUnitManager(db.em(), world.admin.actor, world.otherEast.id, world.manager.user.id), 'not_found');
  });

  test('a manager demoted to rep keeps the unit by name but loses the reach', async () => {
    const world = await makeOrgWorld(db);
    const colleagues = await makeCustomer(world.em, world.tenant, world.repB.user, 'Bob Co');
    await setUserRole(db.em(), world.admin.actor, world.manager.user.id, 'rep');
    await refused(getCustomerView(db.em(), world.manager.actor, colleagues.id), 'forbidden');
  });
});

describe('listOrgUnits', () => {
  test('per role: admins the tree, managers their subtree, reps their own unit', async () => {
    const world = await makeOrgWorld(db);
    const admin = await listOrgUnits(db.em(), world.admin.actor);
    expect(admin.map((u) => [u.namePath, u.depth, u.managerName, u.memberCount])).toEqual([
      ['Sales', 0, null, 1],
      ['Sales/East', 1, 'Mia Manager', 3],
      ['Sales/East/Shanghai', 2, null, 1],
      ['Sales/West', 1, null, 1],
    ]);
    expect((await listOrgUnits(db.em(), world.manager.actor)).map((u) => u.namePath)).toEqual(['Sales/East', 'Sales/East/Shanghai']);
    expect((await listOrgUnits(db.em(), world.repA.actor)).map((u) => u.namePath)).toEqual(['Sales/East']);
    expect((await listOrgUnits(db.em(), world.foreignRep.actor)).map((u) => u.namePath)).toEqual(['Sales/East']);
  });

  test('a manager outside any unit sees the units they manage, or none', async () => {
    const world = await makeOrgWorld(db);
    const floating = await makeUser(world.em, world.tenant, { role: 'manager', unit: null });
    expect(await listOrgUnits(db.em(), floating.actor)).toEqual([]);
    expect(await listTeamMembers(db.em(), floating.actor).then((m) => m.map((u) => u.id))).toEqual([floating.user.id]);
    await setUnitManager(db.em(), world.admin.actor, world.west.id, floating.user.id);
    expect((await listOrgUnits(db.em(), floating.actor)).map((u) => u.namePath)).toEqual(['Sales/West']);
    const unitless = await makeUser(world.em, world.tenant, { role: 'rep', unit: null });
    expect(await listOrgUnits(db.em(), unitless.actor)).toEqual([]);
  });

  test('tree order keeps a unit next to its children whatever characters sibling names use', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const { actor } = await makeUser(em, tenant, { role: 'admin' });
    for (const path of ['Sales/East 2', 'Sales/East/Shanghai', 'Sales/East-Z', 'Sales/East']) await ensureOrgUnitPath(db.em(), actor, path);
    expect((await listOrgUnits(db.em(), actor)).map((u) => u.namePath)).toEqual(['Sales', 'Sales/East', 'Sales/East/Shanghai', 'Sales/East 2', 'Sales/East-Z']);
  });
});

describe('listTeamMembers', () => {
  test('per role, active users only, by name', async () => {
    const world = await makeOrgWorld(db);
    const gone = await makeUser(world.em, world.tenant, { unit: world.east, name: 'Gone Rep' });
    await db.em().nativeUpdate(User, { id: gone.user.id }, { active: false });
    const names = async (actor: typeof world.admin.actor) => (await listTeamMembers(db.em(), actor)).map((u) => u.name);
    expect(await names(world.repA.actor)).toEqual(['Amy Rep']);
    expect(await names(world.manager.actor)).toEqual(['Amy Rep', 'Bob Rep', 'Mia Manager', 'Sam Rep']);
    expect(await names(world.admin.actor)).toEqual(['Ada Admin', 'Amy Rep', 'Bob Rep', 'Mia Manager', 'Sam Rep', 'Wes Rep']);
    expect(await names(world.foreignRep.actor)).toEqual(['Xavier Foreign']);
  });
});

describe('the permission core under load', () => {
  test('many concurrent manager writes do not exhaust the connection pool', async () => {
    const world = await makeOrgWorld(db);
    const customers = [];
    for (let i = 0; i < 25; i++) customers.push(await makeCustomer(world.em, world.tenant, world.repSub.user, `Load ${i}`));
    const all = Promise.all([
      ...customers.map((c) => updateCustomer(db.em(), world.manager.actor, c.id, { tier: 'B' })),
      ...customers.map((_, i) => createCustomer(db.em(), world.manager.actor, { name: `New load ${i}`, ownerId: world.repSub.user.id })),
    ]);
    // A pool deadlock would wait for the 60 s acquire timeout; fail fast and clearly instead.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([all.then(() => 'done'), new Promise((r) => { timer = setTimeout(() => r('stuck'), 10_000); })]);
    clearTimeout(timer);
    expect(outcome).toBe('done');
  });

  test('resolveAccess sees a move made earlier in the same transaction', async () => {
    const world = await makeOrgWorld(db);
    await db.em().transactional(async (tx) => {
      await moveUserToUnit(tx, world.admin.actor, world.repW.user.id, world.east.id);
      const access = await resolveAccess(tx, world.manager.actor);
      expect(access.scope !== 'tenant' && access.scope.has(world.repW.user.id)).toBe(true);
    });
  });
});
