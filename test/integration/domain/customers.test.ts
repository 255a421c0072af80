import { createCustomer } from '../../../src/domain/customers/create-customer';
import { getCustomerView } from '../../../src/domain/customers/get-customer-view';
import { searchCustomers } from '../../../src/domain/customers/search-customers';
import { claimCustomer } from '../../../src/domain/customers/claim-customer';
import { releaseCustomer } from '../../../src/domain/customers/release-customer';
import { updateCustomer } from '../../../src/domain/customers/update-customer';
import { logInteraction } from '../../../src/domain/activities/log-interaction';
import { createOpportunity } from '../../../src/domain/opportunities/create-opportunity';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { DomainError } from '../../../src/domain/shared/domain-error';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeCustomer, makeTenant, makeUnit, makeUser } from '../../support/factories';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

async function world() {
  const em = db.em();
  const tenant = await makeTenant(em);
  const east = await makeUnit(em, tenant, 'Sales/East');
  const rep = await makeUser(em, tenant, { unit: east });
  const other = await makeUser(em, tenant, { unit: east });
  const manager = await makeUser(em, tenant, { role: 'manager', unit: east, manages: true });
  return { em, tenant, east, rep, other, manager };
}

test('create warns about a duplicate and creates only when told to', async () => {
  const { em, rep } = await world();
  const first = await createCustomer(db.em(), rep.actor, { name: 'ACME Corp', email: 'buyer@acme.com' });
  expect(first.customer.ownerId).toBe(rep.user.id);
  const dup = await createCustomer(db.em(), rep.actor, { name: 'acme  corp' }).catch((e) => e);
  expect(dup).toBeInstanceOf(DomainError);
  expect(dup.code).toBe('duplicate');
  expect(dup.details.candidates[0]).toMatchObject({ id: first.customer.id, matchedOn: 'name' });
  const byDomain = await createCustomer(db.em(), rep.actor, { name: 'Acme Holdings', website: 'https://www.acme.com/about' }).catch((e) => e);
  expect(byDomain.code).toBe('duplicate');
  expect(byDomain.details.candidates[0].matchedOn).toBe('domain');
  const forced = await createCustomer(db.em(), rep.actor, { name: 'ACME Corp', allowDuplicate: true });
  expect(forced.duplicates).toHaveLength(1);
  expect(await em.count(Customer, { tenantId: rep.actor.tenantId })).toBe(2);
});

test('search finds partial Chinese and English names, exact match first, only in reach', async () => {
  const { em, tenant, rep, other } = await world();
  await makeCustomer(em, tenant, rep.user, '上海华为技术有限公司');
  await makeCustomer(em, tenant, rep.user, '华为');
  await makeCustomer(em, tenant, other.user, '华为深圳');
  await makeCustomer(em, tenant, null, '华为公海客户');
  const found = await searchCustomers(db.em(), rep.actor, '华为');
  expect(found.map((c) => c.name)).toEqual(['华为', '华为公海客户', '上海华为技术有限公司']);
  const fullWidth = await searchCustomers(db.em(), rep.actor, 'ＡＣＭＥ');
  expect(fullWidth).toEqual([]);
});

test('customer view shows timeline and open opportunities; audit records every change', async () => {
  const { rep } = await world();
  const { customer } = await createCustomer(db.em(), rep.actor, { name: 'Globex', tier: 'A' });
  await logInteraction(db.em(), rep.actor, { customerId: customer.id, notes: 'met the CFO' });
  await createOpportunity(db.em(), rep.actor, { customerId: customer.id, title: 'Pilot', amount: '12500.50' });
  await updateCustomer(db.em(), rep.actor, customer.id, { region: 'East' });
  const view = await getCustomerView(db.em(), rep.actor, customer.id);
  expect(view.timeline.map((t) => t.notes)).toEqual(['met the CFO']);
  expect(view.openOpportunities.map((o) => [o.title, o.amount])).toEqual([['Pilot', '12500.50']]);
  expect(view.customer.region).toBe('East');
  expect(view.activityTrend.at(-1)).toBe(1);
  const audit = await db.em().find(AuditEntry, { tenantId: rep.actor.tenantId, entityType: { $ne: 'org_unit' } }, { orderBy: { id: 'asc' } });
  expect(audit.map((a) => a.action)).toEqual(['customer.create', 'interaction.log', 'opportunity.create', 'customer.update']);
  expect(audit[3]!.before).toMatchObject({ region: null });
  expect(audit[3]!.after).toMatchObject({ region: 'East' });
});

test('two reps claim the same pool customer at once: exactly one wins', async () => {
  const { em, tenant, rep, other } = await world();
  const pooled = await makeCustomer(em, tenant, null, 'Pool Co');
  const results = await Promise.allSettled([claimCustomer(db.em(), rep.actor, pooled.id), claimCustomer(db.em(), other.actor, pooled.id)]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect(loser.reason.code).toBe('conflict');
  const winner = (await db.em().findOneOrFail(Customer, { id: pooled.id })).ownerId;
  expect([rep.user.id, other.user.id]).toContain(winner);
  await releaseCustomer(db.em(), winner === rep.user.id ? rep.actor : other.actor, pooled.id);
  expect((await db.em().findOneOrFail(Customer, { id: pooled.id })).ownerId).toBeNull();
});
