import { importProducts } from '../../../src/cli/import-products.command';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Opportunity } from '../../../src/domain/opportunities/opportunity.entity';
import { OutboxMessage } from '../../../src/domain/outbox/outbox-message.entity';
import { PriceRule } from '../../../src/domain/products/price-rule.entity';
import { Product } from '../../../src/domain/products/product.entity';
import { advanceQuote, expireQuotes } from '../../../src/domain/quotes/advance-quote';
import { createQuote } from '../../../src/domain/quotes/create-quote';
import { getApprovalLimits } from '../../../src/domain/quotes/get-approval-limits';
import { setApprovalPolicy } from '../../../src/domain/quotes/set-approval-policy';
import { decideQuote } from '../../../src/domain/quotes/decide-quote';
import { Quote, QuoteLine } from '../../../src/domain/quotes/quote.entity';
import { makeCustomer } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeOrgWorld, type OrgWorld } from './domain-world';

let db: TestDatabase;
let w: OrgWorld;
let acmeA: string;
let acmeSub: string;

beforeAll(async () => {
  db = await createTestDatabase();
  w = await makeOrgWorld(db);
  const em = db.em();
  const result = await importProducts(db.em(), w.tenant.slug, ['sku,name,list_price,currency,description,specs', 'SKU-1,Widget,100.00,USD,A widget,10 cm', 'SKU-2,Gadget,2500,USD,,', 'SKU-Y,Yen thing,1000,JPY,,'].join('\n'));
  expect(result.imported).toBe(true);
  em.create(PriceRule, { tenantId: w.tenant.id, name: 'Tier B list', kind: 'price_list', sku: 'SKU-1', tier: 'B', unitPrice: '90.00' } as PriceRule);
  em.create(PriceRule, { tenantId: w.tenant.id, name: '10+ units', kind: 'volume', minQuantity: 10, percent: '5' } as PriceRule);
  await em.flush();
  acmeA = (await makeCustomer(em, w.tenant, w.repA.user, 'ACME', { tier: 'B' })).id;
  acmeSub = (await makeCustomer(em, w.tenant, w.repSub.user, 'Sub ACME')).id;
}, 60_000);
afterAll(async () => { await db.drop(); });

const quote = (actor: OrgWorld['repA']['actor'], customerId: string, extraPercentOff: string, lines = [{ sku: 'sku-1', quantity: 10 }]) =>
  createQuote(db.em(), actor, { customerId, lines, extraPercentOff });

test('prices with the rules, exactly, and says which rules gave each price', async () => {
  const q = await quote(w.repA.actor, acmeA, '0', [{ sku: 'SKU-1', quantity: 10 }, { sku: 'SKU-2', quantity: 1 }]);
  const lines = await db.em().find(QuoteLine, { quoteId: q.id }, { orderBy: { position: 'asc' } });
  expect(lines.map((l) => [l.sku, l.unitPrice, l.total, l.applied.map((a) => a.name)])).toEqual([
    ['SKU-1', '85.50', '855.00', ['List price', 'Tier B list', '10+ units']],
    ['SKU-2', '2500.00', '2500.00', ['List price']],
  ]);
  expect(q).toMatchObject({ total: '3355.00', status: 'approved', approverId: null, number: expect.stringMatching(/^Q-\d{4}-0001$/) });
});

test('approval routing: within the rep limit, to the unit manager, past them to an admin', async () => {
  expect((await quote(w.repA.actor, acmeA, '5')).status).toBe('approved');
  const toManager = await quote(w.repA.actor, acmeA, '12');
  expect(toManager).toMatchObject({ status: 'pending_approval', approverId: w.manager.user.id });
  // Sam's unit (Shanghai) has no manager of its own: East's manager is next up.
  expect((await quote(w.repSub.actor, acmeSub, '8')).approverId).toBe(w.manager.user.id);
  // Beyond the manager's 15 %: nobody above in the tree, so an admin.
  expect((await quote(w.repA.actor, acmeA, '20')).approverId).toBe(w.admin.user.id);
  // A manager within their own limit needs nobody; beyond it, an admin.
  const managersCustomer = (await makeCustomer(db.em(), w.tenant, w.manager.user, 'Mia Co')).id;
  expect((await quote(w.manager.actor, managersCustomer, '12')).status).toBe('approved');
  expect((await quote(w.manager.actor, managersCustomer, '16')).approverId).toBe(w.admin.user.id);
  // An admin's policy change moves the limits.
  await db.em().getConnection().execute(`update tenants set approval_policy = '{"rep": {"maxPercentOff": "15"}}' where id = ?`, [w.tenant.id]);
  expect((await quote(w.repA.actor, acmeA, '12')).status).toBe('approved');
  await db.em().getConnection().execute(`update tenants set approval_policy = '{}' where id = ?`, [w.tenant.id]);
  // The approver is told through the outbox, with a reminder a day later.
  const outbox = await db.em().find(OutboxMessage, { aggregateId: toManager.id }, { orderBy: { id: 'asc' } });
  expect(outbox.map((o) => o.topic)).toEqual(['quote.approval_request', 'quote.approval_reminder']);
  expect(outbox[1]!.dueAt!.getTime() - outbox[0]!.createdAt.getTime()).toBeGreaterThan(23.9 * 3600_000);
});

test('who may decide: the approver or an admin, never the requester; once', async () => {
  const q = await quote(w.repA.actor, acmeA, '12');
  const refused = async (actor: OrgWorld['repA']['actor']) => decideQuote(db.em(), actor, { quoteId: q.id, decision: 'approve' }).then(() => 'allowed', (e) => e.code);
  expect(await refused(w.repA.actor)).toBe('forbidden');
  expect(await refused(w.repB.actor)).toBe('forbidden');
  expect(await refused(w.repW.actor)).toBe('forbidden');
  expect(await refused(w.foreignRep.actor)).toBe('not_found');
  expect((await db.em().findOneOrFail(Quote, { id: q.id })).status).toBe('pending_approval');
  const [a, b] = await Promise.allSettled([
    decideQuote(db.em(), w.manager.actor, { quoteId: q.id, decision: 'approve' }),
    decideQuote(db.em(), w.manager.actor, { quoteId: q.id, decision: 'approve' }),
  ]);
  expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
  const audits = await db.em().count(AuditEntry, { entityId: q.id, action: 'quote.approved' });
  expect(audits).toBe(1);
  const decided = await db.em().findOneOrFail(Quote, { id: q.id });
  expect(decided).toMatchObject({ status: 'approved', decidedBy: w.manager.user.id });

  const other = await quote(w.repA.actor, acmeA, '13');
  await expect(decideQuote(db.em(), w.manager.actor, { quoteId: other.id, decision: 'reject', comment: '  ' })).rejects.toMatchObject({ code: 'invalid_input' });
  const rejected = await decideQuote(db.em(), w.admin.actor, { quoteId: other.id, decision: 'reject', comment: 'Too deep for this customer' });
  expect(rejected).toMatchObject({ status: 'rejected', decisionComment: 'Too deep for this customer', decidedBy: w.admin.user.id });
});

test('quoting moves the open deal to the quote stage; unknown SKUs and mixed currencies are refused; a retried request writes once', async () => {
  const deal = db.em().create(Opportunity, { tenantId: w.tenant.id, customerId: acmeA, ownerId: w.repA.user.id, title: 'Widgets', amount: '1000.00', currency: 'USD', stage: 'solution', probability: 40, stageChangedAt: new Date() } as Opportunity);
  await db.em().persistAndFlush(deal);
  const q = await quote(w.repA.actor, acmeA, '0');
  expect(q.opportunityId).toBe(deal.id);
  expect((await db.em().findOneOrFail(Opportunity, { id: deal.id })).stage).toBe('quote');
  await expect(quote(w.repA.actor, acmeA, '0', [{ sku: 'NOPE', quantity: 1 }])).rejects.toMatchObject({ code: 'invalid_input', details: { skus: ['NOPE'] } });
  await expect(quote(w.repA.actor, acmeA, '0', [{ sku: 'SKU-1', quantity: 1 }, { sku: 'SKU-Y', quantity: 1 }])).rejects.toMatchObject({ code: 'invalid_input' });
  const before = await db.em().count(Quote, {});
  const once = await createQuote(db.em(), w.repA.actor, { customerId: acmeA, lines: [{ sku: 'SKU-2', quantity: 2 }], sourceKey: 'slack.T1' });
  const again = await createQuote(db.em(), w.repA.actor, { customerId: acmeA, lines: [{ sku: 'SKU-2', quantity: 2 }], sourceKey: 'slack.T1' });
  expect(again.id).toBe(once.id);
  expect(await db.em().count(Quote, {})).toBe(before + 1);
  expect(await db.em().count(Product, { tenantId: w.tenant.id })).toBe(3);
});

test('sent, accepted (wins the deal), expired; only the requester and those above them move it', async () => {
  const deal = db.em().create(Opportunity, { tenantId: w.tenant.id, customerId: acmeA, ownerId: w.repA.user.id, title: 'To win', amount: '500.00', currency: 'USD', stage: 'negotiation', probability: 80, stageChangedAt: new Date() } as Opportunity);
  await db.em().persistAndFlush(deal);
  const q = await createQuote(db.em(), w.repA.actor, { customerId: acmeA, lines: [{ sku: 'SKU-1', quantity: 1 }], opportunityId: deal.id });
  await expect(advanceQuote(db.em(), w.repW.actor, { quoteId: q.id, to: 'sent' })).rejects.toMatchObject({ code: 'not_found' });
  await expect(advanceQuote(db.em(), w.repA.actor, { quoteId: q.id, to: 'accepted' }).then((x) => x.status)).resolves.toBe('accepted');
  const won = await db.em().findOneOrFail(Opportunity, { id: deal.id });
  // Won at what the customer accepted, not at the deal's earlier estimate (reports count this).
  expect([won.stage, won.amount]).toEqual(['won', q.total]);
  expect(q.total).not.toBe('500.00');
  await expect(advanceQuote(db.em(), w.repA.actor, { quoteId: q.id, to: 'sent' })).rejects.toMatchObject({ code: 'conflict' });

  const old = await createQuote(db.em(), w.repA.actor, { customerId: acmeA, lines: [{ sku: 'SKU-1', quantity: 1 }], validDays: 1 }, new Date('2026-01-01T00:00:00Z'));
  await expect(advanceQuote(db.em(), w.manager.actor, { quoteId: old.id, to: 'sent' })).rejects.toMatchObject({ code: 'conflict' });
  expect(await expireQuotes(db.em())).toBeGreaterThanOrEqual(1);
  expect((await db.em().findOneOrFail(Quote, { id: old.id })).status).toBe('expired');
  expect(await db.em().count(AuditEntry, { entityId: old.id, action: 'quote.expired' })).toBe(1);
});

test("a rep's limit cannot exceed a manager's: nobody below an admin could approve it", async () => {
  const [{ policy }] = await db.em().getConnection().execute(`select approval_policy as policy from tenants where id = ?`, [w.tenant.id]);
  await setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxPercentOff: '5' }, manager: { maxPercentOff: '20' } });
  await expect(setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxPercentOff: '50' } })).rejects.toMatchObject({ code: 'invalid_input' });
  await expect(setApprovalPolicy(db.em(), w.admin.actor, { manager: { maxPercentOff: '4' } })).rejects.toMatchObject({ code: 'invalid_input' });
  const kept = await setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxPercentOff: '20' } });
  expect(JSON.stringify(kept.approvalPolicy)).toContain('"maxPercentOff":"20"');
  await db.em().getConnection().execute(`update tenants set approval_policy = ? where id = ?`, [JSON.stringify(policy), w.tenant.id]);
});

test('approval limits are the admin\'s to set', async () => {
  await expect(setApprovalPolicy(db.em(), w.manager.actor, { rep: { maxPercentOff: '50' } })).rejects.toMatchObject({ code: 'forbidden' });
  await expect(setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxPercentOff: '150' } })).rejects.toMatchObject({ code: 'invalid_input' });
  const tenant = await setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxPercentOff: '8' } });
  expect(tenant.approvalPolicy).toEqual({ rep: { maxPercentOff: '8' } });
  expect((await quote(w.repA.actor, acmeA, '7')).status).toBe('approved');
  expect((await quote(w.repA.actor, acmeA, '9')).status).toBe('pending_approval');
  await setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxPercentOff: '5' } });
});

test('two admins changing different limits at once both keep theirs', async () => {
  await Promise.all([
    setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxTotal: '500' } }),
    setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxPercentOff: '6' } }),
    setApprovalPolicy(db.em(), w.admin.actor, { manager: { maxPercentOff: '12' } }),
  ]);
  expect(await getApprovalLimits(db.em(), w.admin.actor)).toEqual({ rep: { maxPercentOff: '6', maxTotal: '500' }, manager: { maxPercentOff: '12' } });
  await expect(getApprovalLimits(db.em(), w.manager.actor)).rejects.toMatchObject({ code: 'forbidden' });
  await setApprovalPolicy(db.em(), w.admin.actor, { rep: { maxPercentOff: '5', maxTotal: null }, manager: { maxPercentOff: '15' } });
});
