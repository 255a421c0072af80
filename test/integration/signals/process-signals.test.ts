import type { EntityManager } from '@mikro-orm/postgresql';
import { Interaction } from '../../../src/domain/activities/interaction.entity';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { listPoolCustomers } from '../../../src/domain/customers/list-pool-customers';
import { Opportunity } from '../../../src/domain/opportunities/opportunity.entity';
import { OutboxMessage } from '../../../src/domain/outbox/outbox-message.entity';
import { systemActor } from '../../../src/domain/shared/actor';
import { processPendingSignals } from '../../../src/domain/signals/process-signals';
import { saveSignalRule } from '../../../src/domain/signals/save-signal-rule';
import type { SignalCustomerRef, SignalType } from '../../../src/domain/signals/signal-event.entity';
import { SignalMatch } from '../../../src/domain/signals/signal-match.entity';
import type { SignalRuleInput } from '../../../src/domain/signals/signal-rule-input';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { makeCustomer, makeTenant, makeUser } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const day = 24 * 3600_000;
const t0 = new Date('2026-11-02T09:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * day);
let seq = 0;

/** A pending signal written straight to the table, as the endpoint stores it. */
/** Returns the sender's event id. */
async function signal(tenant: Tenant, ref: SignalCustomerRef, opts: { type?: SignalType; sku?: string | null; url?: string | null; at?: Date } = {}): Promise<string> {
  const rows: Array<{ id: string }> = await db.em().getConnection().execute(
    `insert into signal_events (tenant_id, event_id, type, occurred_at, customer_ref, product_sku, url) values (?, ?, ?, ?, ?::jsonb, ?, ?) returning event_id as id`,
    [tenant.id, `ev-${++seq}`, opts.type ?? 'page_view', opts.at ?? t0, JSON.stringify(ref), opts.sku ?? null, opts.url ?? null],
  );
  return String(rows[0]!.id);
}

const rule = (tenant: Tenant, input: Partial<SignalRuleInput> & { name: string }) =>
  saveSignalRule(db.em(), systemActor(tenant.id, 'test'), { eventType: 'page_view', minCount: 3, windowDays: 7, ...input });
const process = (tenant: Tenant, now = at(30), limit = 1000, em: EntityManager = db.em()) => processPendingSignals(em, { tenantId: tenant.id, now, limit });
const events = async (tenant: Tenant) =>
  (await db.em().getConnection().execute(`select event_id, status, customer_id, resolution from signal_events where tenant_id = ? order by id`, [tenant.id])) as Array<{ event_id: string; status: string; customer_id: string | null; resolution: string | null }>;
const matchesOf = (customerId: string) => db.em().find(SignalMatch, { customerId }, { orderBy: { firedAt: 'asc', windowEnd: 'asc' } });
const nudges = (tenantId: string) => db.em().find(OutboxMessage, { tenantId, topic: 'signal.nudge' });

describe('resolving the customer a signal names', () => {
  test('by external id, email (own or a contact’s, any case), domain (given or the email’s), exact name; ambiguous and free-mail stay unmatched', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const other = await makeTenant(em);
    const crm = await makeCustomer(em, tenant, null, 'CRM Co', { externalId: 'CRM-1' });
    const alpha = await makeCustomer(em, tenant, null, 'Alpha', { email: 'buyer@alpha.com' });
    const beta = await makeCustomer(em, tenant, null, 'Beta', { contacts: [{ name: 'Li', email: 'Li.Wei@Beta.cn' }] });
    const gamma = await makeCustomer(em, tenant, null, 'Gamma', { website: 'https://www.Gamma.io/about' });
    await makeCustomer(em, tenant, null, 'Delta One', { website: 'delta.com' });
    await makeCustomer(em, tenant, null, 'Delta Two', { email: 'sales@delta.com' });
    await makeCustomer(em, tenant, null, 'Gmail User', { email: 'someone@gmail.com' });
    const acme = await makeCustomer(em, tenant, null, 'ACME Corp');
    await makeCustomer(em, tenant, null, 'Twin');
    await makeCustomer(em, tenant, null, 'twin');
    // The same external id in another tenant is not this tenant's customer.
    await makeCustomer(em, other, null, 'Foreign', { externalId: 'CRM-2' });

    await signal(tenant, { external_id: 'CRM-1', email: 'buyer@alpha.com' });
    await signal(tenant, { email: 'BUYER@alpha.com' });
    await signal(tenant, { email: 'li.wei@beta.cn' });
    await signal(tenant, { email: 'new.person@gamma.io' });
    await signal(tenant, { domain: 'http://gamma.io/pricing' });
    await signal(tenant, { domain: 'delta.com' });
    await signal(tenant, { email: 'other@gmail.com' });
    await signal(tenant, { domain: 'gmail.com' });
    await signal(tenant, { name: '  ＡＣＭＥ   corp ' });
    await signal(tenant, { name: 'Twin' });
    await signal(tenant, { external_id: 'CRM-2' });
    await signal(tenant, { external_id: 'CRM-404', email: 'nobody@nowhere.example', name: 'Nobody' });

    expect(await process(tenant)).toEqual({ processed: 12, matched: 6, unmatched: 6, more: false });
    expect((await events(tenant)).map((e) => [e.status, e.customer_id, e.resolution])).toEqual([
      ['matched', crm.id, 'external_id'],
      ['matched', alpha.id, 'email'],
      ['matched', beta.id, 'email'],
      ['matched', gamma.id, 'domain'],
      ['matched', gamma.id, 'domain'],
      ['unmatched', null, 'ambiguous'],
      ['unmatched', null, 'unknown'],
      ['unmatched', null, 'unknown'],
      ['matched', acme.id, 'name'],
      ['unmatched', null, 'ambiguous'],
      ['unmatched', null, 'unknown'],
      ['unmatched', null, 'unknown'],
    ]);
    // Nothing pending is left, and a second call finds nothing.
    expect(await process(tenant)).toEqual({ processed: 0, matched: 0, unmatched: 0, more: false });
  });

  test('a full page says there may be more; the next page goes on where it stopped', async () => {
    const tenant = await makeTenant(db.em());
    for (let i = 0; i < 5; i++) await signal(tenant, { name: `nobody ${i}` });
    expect(await process(tenant, at(30), 3)).toEqual({ processed: 3, matched: 0, unmatched: 3, more: true });
    expect(await process(tenant, at(30), 3)).toEqual({ processed: 2, matched: 0, unmatched: 2, more: false });
  });
});

describe('rules over a sequence of events', () => {
  test('2 page views of SKU-1, then a 3rd within 7 days, then a 4th and 5th: exactly one deal and one nudge', async () => {
    const em = db.em();
    const tenant = await makeTenant(em, undefined, { defaultCurrency: 'CNY' } as Partial<Tenant>);
    const { user: rep } = await makeUser(em, tenant, { name: 'Amy Rep' });
    const customer = await makeCustomer(em, tenant, rep, 'Acme Sensors', { email: 'buyer@acme-sensors.com' });
    await rule(tenant, { name: 'Product interest', perProduct: true, scoreBump: 10 });
    const ref = { email: 'buyer@acme-sensors.com' };

    await signal(tenant, ref, { sku: 'SKU-1', at: at(0), url: '/p/sku-1' });
    await signal(tenant, ref, { sku: 'sku-1', at: at(1), url: '/p/sku-1' });
    // Other products and other kinds of events do not count towards SKU-1.
    await signal(tenant, ref, { sku: 'SKU-2', at: at(1) });
    await signal(tenant, ref, { sku: 'SKU-1', at: at(1), type: 'download' });
    await process(tenant, at(1));
    expect(await em.count(Opportunity, { customerId: customer.id })).toBe(0);
    expect(await matchesOf(customer.id)).toHaveLength(0);

    const third = await signal(tenant, ref, { sku: 'SKU-1', at: at(3), url: '/p/sku-1/pricing' });
    await process(tenant, at(3));
    const deals = await db.em().find(Opportunity, { customerId: customer.id });
    expect(deals).toHaveLength(1);
    expect(deals[0]).toMatchObject({ ownerId: rep.id, title: 'Signal: 3× page views of SKU-1', amount: '0.00', currency: 'CNY', stage: 'initial_contact', signalBoost: 10, score: 10 });
    const [match] = await matchesOf(customer.id);
    expect(match).toMatchObject({ outcome: 'created', opportunityId: deals[0]!.id, ownerId: rep.id, productSku: 'SKU-1', ruleName: 'Product interest', scoreBump: 10 });
    expect(match!.evidence).toMatchObject({ count: 3, eventType: 'page_view', lastUrl: '/p/sku-1/pricing', lastAt: at(3).toISOString(), firstAt: at(0).toISOString() });
    expect(match!.evidence.eventIds).toHaveLength(3);
    expect(match!.evidence.eventIds.at(-1)).toBe(third);
    expect(match!.windowEnd.toISOString()).toBe(at(3).toISOString());
    expect(await nudges(tenant.id)).toEqual([expect.objectContaining({ aggregateId: match!.id, action: 'schedule', payload: { matchId: match!.id } })]);
    // The dated note on the deal's timeline.
    const notes = await db.em().find(Interaction, { customerId: customer.id, type: 'signal' });
    expect(notes).toEqual([expect.objectContaining({ opportunityId: deals[0]!.id, userId: rep.id, status: 'done', notes: 'Product interest: 3× page views of SKU-1 in 7 days, last /p/sku-1/pricing' })]);
    expect(notes[0]!.occurredAt!.toISOString()).toBe(at(3).toISOString());

    await signal(tenant, ref, { sku: 'SKU-1', at: at(4) });
    await process(tenant, at(4));
    await signal(tenant, ref, { sku: 'SKU-1', at: at(5) });
    await process(tenant, at(5));
    expect(await db.em().count(Opportunity, { customerId: customer.id })).toBe(1);
    expect(await matchesOf(customer.id)).toHaveLength(1);
    expect(await nudges(tenant.id)).toHaveLength(1);
    expect((await db.em().findOneOrFail(Opportunity, { customerId: customer.id })).signalBoost).toBe(10);

    // A window later it fires again, on the same deal: (day 3, day 10] holds days 4, 5 and 10; days 11 and 12 fall in that new firing's window.
    for (const d of [10, 11, 12]) await signal(tenant, ref, { sku: 'SKU-1', at: at(d) });
    await process(tenant, at(12));
    const again = await matchesOf(customer.id);
    expect(again.map((m) => [m.outcome, m.windowEnd.toISOString(), m.evidence.count])).toEqual([
      ['created', at(3).toISOString(), 3],
      ['strengthened', at(10).toISOString(), 3],
    ]);
    expect(await db.em().count(Opportunity, { customerId: customer.id })).toBe(1);
    expect((await db.em().findOneOrFail(Opportunity, { customerId: customer.id })).signalBoost).toBe(20);
  });

  test('events outside the window do not count; a window completed later does', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const { user: rep } = await makeUser(em, tenant);
    const customer = await makeCustomer(em, tenant, rep, 'Window Co', { externalId: 'W-1' });
    await rule(tenant, { name: 'Three in a week' });
    const ref = { external_id: 'W-1' };
    for (const d of [0, 1]) await signal(tenant, ref, { at: at(d) });
    // Day 8 is exactly 7 days after day 1: the window (day 1, day 8] leaves day 1 out.
    await signal(tenant, ref, { at: at(8) });
    await process(tenant, at(8));
    expect(await matchesOf(customer.id)).toHaveLength(0);
    await signal(tenant, ref, { at: at(9) });
    await process(tenant, at(9));
    expect(await matchesOf(customer.id)).toHaveLength(0);
    // A late event (day 7.5, sent after day 9): the window (day 2, day 9] now holds 7.5, 8 and 9.
    await signal(tenant, ref, { at: new Date(at(7).getTime() + day / 2) });
    await process(tenant, at(10));
    const matches = await matchesOf(customer.id);
    expect(matches.map((m) => [m.windowEnd.toISOString(), m.evidence.count])).toEqual([[at(9).toISOString(), 3]]);
  });

  test('an owned customer with open deals: the most recently updated one is strengthened (dated note, boost), never past a score of 100', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const { user: rep } = await makeUser(em, tenant);
    const customer = await makeCustomer(em, tenant, rep, 'Strong Co', { website: 'strong.example' });
    const older = em.create(Opportunity, { tenantId: tenant.id, customerId: customer.id, ownerId: rep.id, title: 'Older deal', amount: '100.00', currency: 'USD', stage: 'solution', probability: 25, updatedAt: at(-10) } as Opportunity);
    // Rated 5, 5, 5, 5 and 4: 25 + 25 + 15 + 20 + 15 × 4/5 = 97 points.
    const newer = em.create(Opportunity, { tenantId: tenant.id, customerId: customer.id, ownerId: rep.id, title: 'Newer deal', amount: '200.00', currency: 'USD', stage: 'quote', probability: 50, scoreInputs: { urgency: 5, budget: 5, competition: 5, decisionMaker: 5, fit: 4 }, score: 97, updatedAt: at(-1) } as Opportunity);
    const won = em.create(Opportunity, { tenantId: tenant.id, customerId: customer.id, ownerId: rep.id, title: 'Won deal', amount: '300.00', currency: 'USD', stage: 'won', probability: 100, closedAt: at(-1), updatedAt: at(0) } as Opportunity);
    await em.flush();
    await em.getConnection().execute(`update opportunities set updated_at = ? where id = ?`, [at(-10), older.id]);
    await em.getConnection().execute(`update opportunities set updated_at = ? where id = ?`, [at(-1), newer.id]);
    await rule(tenant, { name: 'Seminar', eventType: 'seminar_attended', minCount: 1, windowDays: 30, scoreBump: 15 });

    await signal(tenant, { email: 'someone@strong.example' }, { type: 'seminar_attended', at: at(0) });
    await process(tenant, at(0));
    const deals = new Map((await db.em().find(Opportunity, { customerId: customer.id })).map((o) => [o.title, o]));
    expect(deals.get('Newer deal')).toMatchObject({ signalBoost: 3, score: 100 });
    expect(deals.get('Older deal')).toMatchObject({ signalBoost: 0 });
    expect(deals.get('Won deal')).toMatchObject({ signalBoost: 0 });
    expect(deals.size).toBe(3);
    const [match] = await matchesOf(customer.id);
    expect(match).toMatchObject({ outcome: 'strengthened', opportunityId: newer.id, scoreBump: 3 });
    expect(await db.em().find(Interaction, { customerId: customer.id, type: 'signal' })).toEqual([expect.objectContaining({ opportunityId: newer.id, notes: 'Seminar: 1× seminar attendances in 30 days' })]);
    const audit = await db.em().find(AuditEntry, { entityId: newer.id, action: 'opportunity.signal_boost' });
    expect(audit.map((a) => [a.before?.signalBoost, a.after?.signalBoost, a.after?.signalMatchId])).toEqual([[0, 3, match!.id]]);
    expect(await nudges(tenant.id)).toHaveLength(1);
    void won;
  });

  test('a pool customer is flagged (shown first in the pool, with no owner nobody is nudged)', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    await makeCustomer(em, tenant, null, 'A Key Account', { keyAccount: true, tier: 'A' });
    const pooled = await makeCustomer(em, tenant, null, 'Zeta Pool', { email: 'cto@zeta.example' });
    await rule(tenant, { name: 'Price list', eventType: 'download', minCount: 1, urlContains: 'PRICE' });
    await signal(tenant, { email: 'cto@zeta.example' }, { type: 'download', url: '/files/other.pdf', at: at(0) });
    await process(tenant, at(0));
    expect(await matchesOf(pooled.id)).toHaveLength(0);
    await signal(tenant, { email: 'cto@zeta.example' }, { type: 'download', url: '/files/price-list-2026.pdf', at: at(1) });
    await process(tenant, at(1));
    const [match] = await matchesOf(pooled.id);
    expect(match).toMatchObject({ outcome: 'flagged', ownerId: null, opportunityId: null });
    expect((await db.em().findOneOrFail(Customer, { id: pooled.id })).signalFlaggedAt?.toISOString()).toBe(at(1).toISOString());
    expect(await db.em().count(Opportunity, { customerId: pooled.id })).toBe(0);
    expect(await nudges(tenant.id)).toHaveLength(0);
    const pool = await listPoolCustomers(db.em(), systemActor(tenant.id, 'test'));
    expect(pool.items.map((c) => c.name)).toEqual(['Zeta Pool', 'A Key Account']);
  });

  test('inactive rules and rules of other tenants never fire', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const other = await makeTenant(em);
    const { user: rep } = await makeUser(em, tenant);
    const customer = await makeCustomer(em, tenant, rep, 'Quiet Co', { externalId: 'Q' });
    await rule(tenant, { name: 'Off', minCount: 1, active: false });
    await rule(other, { name: 'Elsewhere', minCount: 1 });
    await signal(tenant, { external_id: 'Q' });
    await process(tenant, at(0));
    expect(await matchesOf(customer.id)).toHaveLength(0);
  });
});

describe('two workers at once', () => {
  test('every event is processed once and each customer’s rule fires once', async () => {
    const em = db.em();
    const tenant = await makeTenant(em);
    const { user: rep } = await makeUser(em, tenant);
    await rule(tenant, { name: 'Three' });
    const customers: Customer[] = [];
    for (let i = 0; i < 20; i++) customers.push(await makeCustomer(em, tenant, rep, `Race ${i}`, { externalId: `R-${i}` }));
    // Interleaved: each customer's third event lands in a different page than its first two.
    for (let round = 0; round < 3; round++) for (let i = 0; i < 20; i++) await signal(tenant, { external_id: `R-${i}` }, { at: at(round) });

    const drain = async () => {
      let processed = 0;
      for (;;) {
        const page = await process(tenant, at(3), 7, db.orm.em.fork());
        processed += page.processed;
        if (page.processed === 0) return processed;
      }
    };
    const counts = await Promise.all([drain(), drain(), drain()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    expect(counts.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect((await events(tenant)).filter((e) => e.status !== 'matched')).toEqual([]);
    const matches = await db.em().find(SignalMatch, { tenantId: tenant.id });
    expect(matches.length).toBe(20);
    expect(new Set(matches.map((m) => m.customerId)).size).toBe(20);
    expect(await db.em().count(Opportunity, { tenantId: tenant.id })).toBe(20);
    expect(await nudges(tenant.id)).toHaveLength(20);
  });
});
