import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { claimCustomer } from '../../../src/domain/customers/claim-customer';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { getPoolSettings, setPoolSettings } from '../../../src/domain/customers/pool-settings';
import { releaseCustomer } from '../../../src/domain/customers/release-customer';
import { updateCustomer } from '../../../src/domain/customers/update-customer';
import { translator } from '../../../src/cards/i18n/i18n';
import { errorText } from '../../../src/cards/i18n/error-text';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeCustomer, makeOrgWorld, refused, refusedWithoutChange } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const row = (id: string) => db.em().findOneOrFail(Customer, { id });

describe('pool settings', () => {
  test('off by default; an admin sets them, audited; what is not given stays', async () => {
    const w = await makeOrgWorld(db);
    expect(await getPoolSettings(db.em(), w.repA.actor)).toEqual({ returnDays: null, tierDays: {}, warnDays: 3, maxClaims: null });
    await setPoolSettings(db.em(), w.admin.actor, { returnDays: 30, tierDays: { A: 60, B: 45, C: 30, none: null } });
    await setPoolSettings(db.em(), w.admin.actor, { maxClaims: 20 });
    expect(await getPoolSettings(db.em(), w.repA.actor)).toEqual({ returnDays: 30, tierDays: { A: 60, B: 45, C: 30, none: null }, warnDays: 3, maxClaims: 20 });
    // "return off" clears the tiers' periods too; the warning and claim limit stay.
    await setPoolSettings(db.em(), w.admin.actor, { returnDays: null });
    expect(await getPoolSettings(db.em(), w.admin.actor)).toEqual({ returnDays: null, tierDays: {}, warnDays: 3, maxClaims: 20 });
    const audits = await db.em().find(AuditEntry, { tenantId: w.tenant.id, action: 'pool.settings' }, { orderBy: { id: 'asc' } });
    expect(audits.map((a) => [a.actorUserId, a.before?.returnDays, a.after?.returnDays, a.after?.maxClaims])).toEqual([
      [w.admin.user.id, null, 30, null],
      [w.admin.user.id, 30, 30, 20],
      [w.admin.user.id, 30, null, 20],
    ]);
    // Other tenants are untouched.
    expect(await getPoolSettings(db.em(), w.foreignRep.actor)).toMatchObject({ returnDays: null, maxClaims: null });
  });

  test('only admins; days 1–365; the warning before every return period; refusals change nothing', async () => {
    const w = await makeOrgWorld(db);
    const t = [w.tenant.id, w.otherTenant.id];
    await refusedWithoutChange(db, t, () => setPoolSettings(db.em(), w.manager.actor, { returnDays: 30 }), 'forbidden');
    await refusedWithoutChange(db, t, () => setPoolSettings(db.em(), w.repA.actor, { maxClaims: 5 }), 'forbidden');
    for (const bad of [{ returnDays: 0 }, { returnDays: 366 }, { warnDays: 0 }, { maxClaims: 0 }, { returnDays: 30, tierDays: { A: 400 } }, { returnDays: 2.5 }]) {
      await refusedWithoutChange(db, t, () => setPoolSettings(db.em(), w.admin.actor, bad), 'invalid_input');
    }
    await setPoolSettings(db.em(), w.admin.actor, { returnDays: 30, tierDays: { C: 7 } });
    // The shortest period in force is 7 (tier C): a warning 7 days before is refused, 6 is fine.
    const err = await refused(setPoolSettings(db.em(), w.admin.actor, { warnDays: 7 }), 'invalid_input');
    expect(err.details.issues).toEqual([{ field: 'warnDays', code: 'too_large', max: 6 }]);
    expect(errorText(err, translator('en'))).toBe('The warning (days before the return) can be at most 6.');
    expect(errorText(err, translator('zh-CN'))).toContain('提前提醒天数');
    await setPoolSettings(db.em(), w.admin.actor, { warnDays: 6 });
    // And the other way round: a period not longer than the warning.
    await refused(setPoolSettings(db.em(), w.admin.actor, { returnDays: 30, tierDays: { B: 6 } }), 'invalid_input');
    expect(await getPoolSettings(db.em(), w.admin.actor)).toMatchObject({ returnDays: 30, tierDays: { C: 7 }, warnDays: 6 });
  });
});

describe('claim limits', () => {
  test('a rep at the limit is refused with the limit and what they hold; assigned or own customers do not count; releasing frees a slot', async () => {
    const w = await makeOrgWorld(db);
    await setPoolSettings(db.em(), w.admin.actor, { maxClaims: 2 });
    const pool = await Promise.all(['P1', 'P2', 'P3'].map((n) => makeCustomer(w.em, w.tenant, null, `Pool ${n}`)));
    // Customers the rep created or was given are not claims.
    await makeCustomer(w.em, w.tenant, w.repA.user, 'Own Co');
    const given = await makeCustomer(w.em, w.tenant, null, 'Given Co');
    await updateCustomer(db.em(), w.manager.actor, given.id, { ownerId: w.repA.user.id });
    expect((await row(given.id)).claimedAt).toBeNull();

    await claimCustomer(db.em(), w.repA.actor, pool[0]!.id);
    await claimCustomer(db.em(), w.repA.actor, pool[1]!.id);
    expect((await row(pool[0]!.id)).claimedAt).toBeInstanceOf(Date);
    expect((await row(pool[0]!.id)).ownerSince).toBeInstanceOf(Date);
    // Claiming one already theirs again is not a new claim.
    await claimCustomer(db.em(), w.repA.actor, pool[1]!.id);

    const err = await refusedWithoutChange(db, [w.tenant.id], () => claimCustomer(db.em(), w.repA.actor, pool[2]!.id), 'conflict');
    expect(err.details).toEqual({ reason: 'claim_limit', limit: 2, held: 2 });
    expect(errorText(err, translator('en'))).toBe('You already hold 2 customers claimed from the pool, and the limit is 2. Release one first (“Release to pool” on its card), then claim this one.');
    expect(errorText(err, translator('zh-CN'))).toBe('你已从公海认领了 2 个客户，上限为 2 个。请先在某个客户卡片上点“退回公海”释放一个，再认领这个客户。');
    // Another rep is not affected by Amy's claims.
    await claimCustomer(db.em(), w.repB.actor, pool[2]!.id);
    await releaseCustomer(db.em(), w.repB.actor, pool[2]!.id);

    // Releasing one frees a slot; a claimed customer handed to someone else stops being a claim of anyone.
    await releaseCustomer(db.em(), w.repA.actor, pool[0]!.id);
    expect(await row(pool[0]!.id)).toMatchObject({ ownerId: null, claimedAt: null, ownerSince: null });
    await claimCustomer(db.em(), w.repA.actor, pool[2]!.id);
    await updateCustomer(db.em(), w.manager.actor, pool[1]!.id, { ownerId: w.repB.user.id });
    expect(await row(pool[1]!.id)).toMatchObject({ ownerId: w.repB.user.id, claimedAt: null });
    await claimCustomer(db.em(), w.repA.actor, pool[0]!.id);
    await refused(claimCustomer(db.em(), w.repA.actor, (await makeCustomer(w.em, w.tenant, null, 'Pool P4')).id), 'conflict');

    // No limit: anything goes.
    await setPoolSettings(db.em(), w.admin.actor, { maxClaims: null });
    await claimCustomer(db.em(), w.repA.actor, (await makeCustomer(w.em, w.tenant, null, 'Pool P5')).id);
  });

  test('two claims at once at the limit minus one: exactly one wins', async () => {
    const w = await makeOrgWorld(db);
    await setPoolSettings(db.em(), w.admin.actor, { maxClaims: 3 });
    for (const n of ['H1', 'H2']) await claimCustomer(db.em(), w.repA.actor, (await makeCustomer(w.em, w.tenant, null, `Held ${n}`)).id);
    for (let round = 0; round < 5; round++) {
      const a = await makeCustomer(w.em, w.tenant, null, `Race A${round}`);
      const b = await makeCustomer(w.em, w.tenant, null, `Race B${round}`);
      const results = await Promise.allSettled([claimCustomer(db.em(), w.repA.actor, a.id), claimCustomer(db.em(), w.repA.actor, b.id)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toMatchObject({ code: 'conflict', details: { reason: 'claim_limit', limit: 3, held: 3 } });
      const held = await db.em().count(Customer, { ownerId: w.repA.user.id, claimedAt: { $ne: null } });
      expect(held).toBe(3);
      // Back to limit − 1 for the next round.
      const won = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Customer>).value;
      await releaseCustomer(db.em(), w.repA.actor, won.id);
    }
  });
});
