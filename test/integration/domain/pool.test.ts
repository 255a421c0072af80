import { logInteraction } from '../../../src/domain/activities/log-interaction';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { claimCustomer } from '../../../src/domain/customers/claim-customer';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { getCustomerView } from '../../../src/domain/customers/get-customer-view';
import { listPoolCustomers } from '../../../src/domain/customers/list-pool-customers';
import { releaseCustomer } from '../../../src/domain/customers/release-customer';
import { updateCustomer } from '../../../src/domain/customers/update-customer';
import { systemActor } from '../../../src/domain/shared/actor';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeCustomer, makeOrgWorld, refusedWithoutChange } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function world() {
  const w = await makeOrgWorld(db);
  const pooled = await makeCustomer(w.em, w.tenant, null, 'Pool Co');
  return { ...w, pooled, t: [w.tenant.id, w.otherTenant.id] };
}
const ownerOf = async (id: string) => (await db.em().findOneOrFail(Customer, { id })).ownerId;
const audits = async (id: string) => (await db.em().find(AuditEntry, { entityId: id }, { orderBy: { id: 'asc' } })).map((a) => [a.action, a.before?.ownerId, a.after?.ownerId]);

describe('claimCustomer', () => {
  test('a rep claims a pool customer; claiming it again is a no-op', async () => {
    const { repA, pooled } = await world();
    const claimed = await claimCustomer(db.em(), repA.actor, pooled.id);
    expect(claimed.ownerId).toBe(repA.user.id);
    expect(await ownerOf(pooled.id)).toBe(repA.user.id);
    await claimCustomer(db.em(), repA.actor, pooled.id);
    expect(await audits(pooled.id)).toEqual([['customer.claim', null, repA.user.id]]);
  });

  test('an owned customer cannot be claimed, from inside or outside the team', async () => {
    const w = await world();
    await claimCustomer(db.em(), w.repA.actor, w.pooled.id);
    // A colleague with a stale pool card, a rep elsewhere and the manager all hear the same thing.
    for (const who of [w.repB, w.repW, w.manager, w.admin]) {
      const err = await refusedWithoutChange(db, w.t, () => claimCustomer(db.em(), who.actor, w.pooled.id), 'conflict');
      expect(err.details).toEqual({ reason: 'already_claimed' });
    }
  });

  test('the CLI cannot claim; another tenant’s pool is not found', async () => {
    const w = await world();
    const foreignPool = await makeCustomer(w.em, w.otherTenant, null, 'Foreign pool');
    await refusedWithoutChange(db, w.t, () => claimCustomer(db.em(), systemActor(w.tenant.id), w.pooled.id), 'forbidden');
    await refusedWithoutChange(db, w.t, () => claimCustomer(db.em(), w.repA.actor, foreignPool.id), 'not_found');
  });
});

describe('releaseCustomer', () => {
  test('the owner hands a customer back; releasing it again changes nothing', async () => {
    const { em, tenant, repA } = await world();
    const mine = await makeCustomer(em, tenant, repA.user, 'Mine Co');
    expect((await releaseCustomer(db.em(), repA.actor, mine.id)).ownerId).toBeNull();
    expect(await ownerOf(mine.id)).toBeNull();
    await releaseCustomer(db.em(), repA.actor, mine.id);
    expect(await audits(mine.id)).toEqual([['customer.release', repA.user.id, null]]);
  });

  test('a rep cannot release a colleague’s customer; their manager can; another manager cannot', async () => {
    const w = await world();
    const bobs = await makeCustomer(w.em, w.tenant, w.repB.user, 'Bob Co');
    await refusedWithoutChange(db, w.t, () => releaseCustomer(db.em(), w.repA.actor, bobs.id), 'forbidden');
    const wests = await makeCustomer(w.em, w.tenant, w.repW.user, 'West Co');
    await refusedWithoutChange(db, w.t, () => releaseCustomer(db.em(), w.manager.actor, wests.id), 'forbidden');
    await releaseCustomer(db.em(), w.manager.actor, bobs.id);
    expect(await ownerOf(bobs.id)).toBeNull();
  });
});

test('a triple click on "release" releases once', async () => {
  const { em, tenant, repA } = await world();
  const mine = await makeCustomer(em, tenant, repA.user, 'Mine Co');
  await Promise.all([1, 2, 3].map(() => releaseCustomer(db.em(), repA.actor, mine.id)));
  expect(await audits(mine.id)).toEqual([['customer.release', repA.user.id, null]]);
});

describe('working with pool customers', () => {
  test('a rep sees a pool customer but must claim it before editing it', async () => {
    const { repA, pooled, t } = await world();
    const view = await getCustomerView(db.em(), repA.actor, pooled.id);
    expect(view).toMatchObject({ ownerName: null, canEdit: false });
    const err = await refusedWithoutChange(db, t, () => updateCustomer(db.em(), repA.actor, pooled.id, { phone: '021-1234-5678' }), 'forbidden');
    expect(err.details).toMatchObject({ reason: 'claim_first' });
    await claimCustomer(db.em(), repA.actor, pooled.id);
    expect((await getCustomerView(db.em(), repA.actor, pooled.id)).canEdit).toBe(true);
    await updateCustomer(db.em(), repA.actor, pooled.id, { phone: '021-1234-5678' });
    expect((await db.em().findOneOrFail(Customer, { id: pooled.id })).phone).toBe('021-1234-5678');
  });

  test('on a pool customer’s card each person sees only the visits in their own reach', async () => {
    const { repA, repB, repW, manager, admin, pooled } = await world();
    for (const who of [repA, repB, repW]) await logInteraction(db.em(), who.actor, { customerId: pooled.id, notes: `by ${who.user.name}` });
    const notes = async (actor: typeof repA.actor) => (await getCustomerView(db.em(), actor, pooled.id, { timelineLimit: 10 })).timeline.map((t) => t.notes).sort();
    expect(await notes(repA.actor)).toEqual(['by Amy Rep']);
    expect(await notes(manager.actor)).toEqual(['by Amy Rep', 'by Bob Rep']);
    expect(await notes(admin.actor)).toEqual(['by Amy Rep', 'by Bob Rep', 'by Wes Rep']);
  });

  test('a manager may edit and assign a pool customer within their reach only', async () => {
    const { manager, repSub, repW, pooled, t } = await world();
    await refusedWithoutChange(db, t, () => updateCustomer(db.em(), manager.actor, pooled.id, { ownerId: repW.user.id }), 'forbidden');
    await updateCustomer(db.em(), manager.actor, pooled.id, { ownerId: repSub.user.id, tier: 'B' });
    expect(await db.em().findOneOrFail(Customer, { id: pooled.id })).toMatchObject({ ownerId: repSub.user.id, tier: 'B' });
  });
});

describe('listPoolCustomers', () => {
  test('pages through the pool: key accounts, then tier A→C→none, then name', async () => {
    const { em, tenant, otherTenant, repA, repB } = await world(); // "Pool Co": no tier, not key
    const made: Array<[string, Partial<Customer>]> = [
      ['Kilo', { keyAccount: true, tier: 'B' }],
      ['Alpha', { tier: 'C' }],
      ['Bravo', { tier: 'A' }],
      ['Lima', { keyAccount: true, tier: 'A' }],
      ['Charlie', {}],
      ['Delta', { tier: 'A' }],
      ['Echo', { tier: 'B' }],
      ['Foxtrot', {}],
      ['Golf', { tier: 'C' }],
      ['Hotel', { keyAccount: true }],
      ['Echo', { tier: 'B' }], // a second "Echo": same sort key, the id decides
    ];
    const echoes: string[] = [];
    for (const [name, extra] of made) {
      const c = await makeCustomer(em, tenant, null, name, extra);
      if (name === 'Echo') echoes.push(c.id);
    }
    await makeCustomer(em, tenant, repA.user, 'Owned A', { keyAccount: true, tier: 'A' });
    await makeCustomer(em, tenant, repB.user, 'Owned B');
    await makeCustomer(em, otherTenant, null, 'Foreign pool', { keyAccount: true, tier: 'A' });

    const expected = ['Lima', 'Kilo', 'Hotel', 'Bravo', 'Delta', 'Echo', 'Echo', 'Alpha', 'Golf', 'Charlie', 'Foxtrot', 'Pool Co'];
    const seen: string[] = [];
    const seenEchoIds: string[] = [];
    for (let offset = 0; offset < 15; offset += 5) {
      const page = await listPoolCustomers(db.em(), repA.actor, { offset, limit: 5 });
      expect(page).toMatchObject({ total: 12, offset, limit: 5 });
      seen.push(...page.items.map((c) => c.name));
      seenEchoIds.push(...page.items.filter((c) => c.name === 'Echo').map((c) => c.id));
      expect(page.items.every((c) => c.ownerId === null && c.tenantId === tenant.id)).toBe(true);
    }
    expect(seen).toEqual(expected);
    expect(seenEchoIds).toEqual([...echoes].sort());

    expect(await listPoolCustomers(db.em(), repA.actor)).toMatchObject({ offset: 0, limit: 10, total: 12 });
    const clamped = await listPoolCustomers(db.em(), repA.actor, { offset: -3, limit: 0 });
    expect(clamped).toMatchObject({ offset: 0, limit: 1 });
    expect(clamped.items.map((c) => c.name)).toEqual(['Lima']);
    expect((await listPoolCustomers(db.em(), repA.actor, { limit: 1000 })).limit).toBe(50);
    expect((await listPoolCustomers(db.em(), repA.actor, { offset: Number.NaN, limit: Number.NaN })).items).toHaveLength(10);
  });
});
