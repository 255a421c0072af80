import { resolveAccess } from '../../../src/domain/shared/access';
import { setUserRole } from '../../../src/domain/org/set-user-role';
import { systemActor } from '../../../src/domain/shared/actor';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeTenant, makeUser } from '../../support/factories';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

test('a per-request actor resolves its access once; a plain actor re-reads the role every time', async () => {
  const em = db.em();
  const tenant = await makeTenant(em);
  const { user, actor } = await makeUser(em, tenant, { role: 'rep' });
  const perRequest = { ...actor, perRequest: {} };
  expect((await resolveAccess(db.em(), perRequest)).role).toBe('rep');
  await setUserRole(db.em(), systemActor(tenant.id, 'test'), user.id, 'manager');
  // Same request: the access read at its start still applies.
  expect((await resolveAccess(db.em(), perRequest)).role).toBe('rep');
  // The next request (a new actor) and plain actors see the change at once.
  expect((await resolveAccess(db.em(), { ...actor, perRequest: {} })).role).toBe('manager');
  expect((await resolveAccess(db.em(), actor)).role).toBe('manager');
});

test('a failed resolution is not remembered', async () => {
  const em = db.em();
  const tenant = await makeTenant(em);
  const { user, actor } = await makeUser(em, tenant);
  user.active = false;
  await em.flush();
  const perRequest = { ...actor, perRequest: {} };
  await expect(resolveAccess(db.em(), perRequest)).rejects.toMatchObject({ code: 'forbidden' });
  user.active = true;
  await em.flush();
  expect((await resolveAccess(db.em(), perRequest)).userId).toBe(user.id);
});
