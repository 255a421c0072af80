import { Opportunity, type Stage } from '../../../src/domain/opportunities/opportunity.entity';
import type { Customer } from '../../../src/domain/customers/customer.entity';
import type { User } from '../../../src/domain/org/user.entity';
import { listChurnRisks } from '../../../src/domain/reports/list-churn-risks';
import { makeCustomer } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeOrgWorld, refused, type OrgWorld } from '../domain/domain-world';

let db: TestDatabase;
let w: OrgWorld;
// With 30 quiet days: quiet means nothing since 27 October. Revenue windows: the last 90 days
// (from 28 August) against the 90 before (from 30 May).
const at = new Date('2026-11-26T12:00:00Z');
const d = (iso: string) => new Date(`${iso}T10:00:00Z`);
const longAgo = d('2026-01-01');

beforeAll(async () => {
  db = await createTestDatabase();
  w = await makeOrgWorld(db);
  const em = db.em();
  const customer = (owner: User | null, name: string, lastInteractionAt: Date | null, createdAt = longAgo) =>
    makeCustomer(em, owner?.tenantId === w.otherTenant.id ? w.otherTenant : w.tenant, owner, name, { lastInteractionAt, createdAt } as Partial<Customer>);
  const deal = (c: Customer, owner: User, stage: Stage, amount: string, closedAt: Date, extra: Partial<Opportunity> = {}) =>
    em.create(Opportunity, { tenantId: c.tenantId, customerId: c.id, ownerId: owner.id, title: `${c.name} ${stage}`, amount, currency: 'USD', stage, probability: 50, closedAt, stageChangedAt: closedAt, ...extra } as Opportunity);

  await customer(w.repA.user, 'Quiet Co', d('2026-09-01'));
  await customer(w.repA.user, 'Busy Co', d('2026-11-20'));
  await customer(w.repA.user, 'Brand New', null, d('2026-11-20'));
  await customer(w.repA.user, 'Old Never', null);
  const wonLately = await customer(w.repB.user, 'Won Lately', null);
  deal(wonLately, w.repB.user, 'won', '100.00', d('2026-11-10'));
  const declining = await customer(w.repB.user, 'Declining Co', d('2026-11-25'));
  deal(declining, w.repB.user, 'won', '5000.00', d('2026-07-01'));
  deal(declining, w.repB.user, 'won', '999.99', d('2026-10-01'));
  deal(declining, w.repB.user, 'lost', '10.00', d('2026-03-01'), { lostReason: 'oldest reason' });
  deal(declining, w.repB.user, 'lost', '10.00', d('2026-06-01'), { lostReason: 'budget cut' });
  deal(declining, w.repB.user, 'lost', '10.00', d('2026-09-01'), { lostReason: 'went with a competitor' });
  deal(declining, w.repB.user, 'lost', '10.00', d('2026-10-15'), { lostReason: 'price too high' });
  deal(declining, w.repB.user, 'lost', '10.00', d('2026-11-01'), { lostReason: null });
  // Revenue in another currency is never compared with the tenant's.
  const euro = await customer(w.repB.user, 'Euro Co', d('2026-11-25'));
  deal(euro, w.repB.user, 'won', '8000.00', d('2026-07-01'), { currency: 'EUR' });
  await customer(w.repW.user, 'West Quiet', d('2026-08-01'));
  await customer(null, 'Pool Co', null);
  await customer(w.foreignRep.user, 'Foreign Quiet', null);
  await em.flush();
}, 60_000);
afterAll(async () => { await db.drop(); });

const names = (risks: Array<{ name: string }>) => risks.map((r) => r.name);

test("a manager's churn list: quiet and declining customers of the subtree, longest silent first", async () => {
  const risks = await listChurnRisks(db.em(), w.manager.actor, { quietDays: 30, at });
  expect(names(risks)).toEqual(['Old Never', 'Quiet Co', 'Declining Co']);
  const [never, quiet, declining] = risks;
  expect(never).toMatchObject({ reasons: ['quiet'], lastActivityAt: null, revenueRecent: '0.00', revenueBefore: '0.00', lostReasons: [], ownerId: w.repA.user.id });
  expect(quiet).toMatchObject({ reasons: ['quiet'], lastActivityAt: d('2026-09-01') });
  // The interaction on 25 November is the later of its last contact and its last won deal.
  expect(declining).toMatchObject({ reasons: ['declining'], lastActivityAt: d('2026-11-25'), revenueRecent: '999.99', revenueBefore: '5000.00' });
  expect(declining!.lostReasons).toEqual(['price too high', 'went with a competitor', 'budget cut']);
});

test('a customer younger than the quiet period, a recent buyer and a busy customer are not at risk', async () => {
  const risks = names(await listChurnRisks(db.em(), w.admin.actor, { quietDays: 30, at }));
  for (const safe of ['Brand New', 'Won Lately', 'Busy Co', 'Euro Co']) expect(risks).not.toContain(safe);
});

test('the quiet period is the caller’s: with a year, only the declining customer is left', async () => {
  expect(names(await listChurnRisks(db.em(), w.manager.actor, { quietDays: 365, at }))).toEqual(['Declining Co']);
});

test('reach: a rep sees their own customers, an admin the tenant; never the public pool or another tenant', async () => {
  expect(names(await listChurnRisks(db.em(), w.repA.actor, { quietDays: 30, at }))).toEqual(['Old Never', 'Quiet Co']);
  expect(names(await listChurnRisks(db.em(), w.repB.actor, { quietDays: 30, at }))).toEqual(['Declining Co']);
  expect(names(await listChurnRisks(db.em(), w.admin.actor, { quietDays: 30, at }))).toEqual(['Old Never', 'West Quiet', 'Quiet Co', 'Declining Co']);
  expect(names(await listChurnRisks(db.em(), w.foreignRep.actor, { quietDays: 30, at }))).toEqual(['Foreign Quiet']);
});

test('a limit and a nonsensical quiet period', async () => {
  expect(names(await listChurnRisks(db.em(), w.admin.actor, { quietDays: 30, at, limit: 2 }))).toEqual(['Old Never', 'West Quiet']);
  await refused(listChurnRisks(db.em(), w.manager.actor, { quietDays: 0, at }), 'invalid_input');
  await refused(listChurnRisks(db.em(), w.manager.actor, { quietDays: 2.5, at }), 'invalid_input');
});
