import { findFirings, historyNeeded, ruleCounts, type CountedEvent, type RuleSpec } from '../../../src/domain/signals/evaluate-signal-rules';
import { hostOf, normaliseRef, pickCustomer, type Lookups } from '../../../src/domain/signals/resolve-signal-customers';

const day = 24 * 3600_000;
const t0 = Date.parse('2026-11-02T00:00:00Z');
const rule = (extra: Partial<RuleSpec> = {}): RuleSpec => ({ id: 'r1', name: 'Rule', eventType: 'page_view', productSku: null, perProduct: false, urlContains: null, minCount: 3, windowDays: 7, scoreBump: 0, ...extra });
let n = 0;
const ev = (days: number, extra: Partial<CountedEvent> = {}): CountedEvent => ({ id: String(++n), eventId: `ev-${n}`, customerId: 'c1', type: 'page_view', productSku: null, url: null, occurredAt: new Date(t0 + days * day), ...extra });
const ends = (firings: ReturnType<typeof findFirings>) => firings.map((f) => [(f.windowEnd.getTime() - t0) / day, f.events.length, f.productSku, f.customerId]);

describe('which events a rule counts', () => {
  test('type, one SKU (any case), each product (needs a SKU), URL part (any case)', () => {
    expect(ruleCounts(rule(), ev(0))).toBe(true);
    expect(ruleCounts(rule(), ev(0, { type: 'download' }))).toBe(false);
    expect(ruleCounts(rule({ productSku: 'SKU-1' }), ev(0, { productSku: ' sku-1 ' }))).toBe(true);
    expect(ruleCounts(rule({ productSku: 'SKU-1' }), ev(0, { productSku: 'SKU-2' }))).toBe(false);
    expect(ruleCounts(rule({ productSku: 'SKU-1' }), ev(0))).toBe(false);
    expect(ruleCounts(rule({ perProduct: true }), ev(0))).toBe(false);
    expect(ruleCounts(rule({ perProduct: true }), ev(0, { productSku: 'X' }))).toBe(true);
    expect(ruleCounts(rule({ urlContains: '/Pricing' }), ev(0, { url: 'https://acme.com/pricing/x' }))).toBe(true);
    expect(ruleCounts(rule({ urlContains: '/pricing' }), ev(0, { url: '/about' }))).toBe(false);
    expect(ruleCounts(rule({ urlContains: '/pricing' }), ev(0))).toBe(false);
  });
});

describe('when a rule fires', () => {
  test('the window is (end − N days, end]: an event exactly N days before the end is outside', () => {
    const evs = [ev(0), ev(1), ev(7)];
    expect(findFirings([rule()], evs, new Set(evs.map((e) => e.id)), [])).toEqual([]);
    const inside = [ev(0.001), ev(1), ev(7)];
    expect(ends(findFirings([rule()], inside, new Set(inside.map((e) => e.id)), []))).toEqual([[7, 3, null, 'c1']]);
  });

  test('old history alone never fires: the window must hold a fresh event', () => {
    const old = [ev(0), ev(1), ev(2)];
    const fresh = ev(20);
    expect(findFirings([rule()], [...old, fresh], new Set([fresh.id]), [])).toEqual([]);
  });

  test('once per window: not again while a firing ended less than N days before; again after', () => {
    const evs = [0, 1, 2, 3, 4, 8, 9, 10].map((d) => ev(d));
    const all = new Set(evs.map((e) => e.id));
    // Fires at day 2 (days 0, 1, 2); days 3, 4 and 8 end windows that begin before day 2; (day 2, day 9] holds 3, 4, 8, 9.
    expect(ends(findFirings([rule()], evs, all, []))).toEqual([[2, 3, null, 'c1'], [9, 4, null, 'c1']]);
    // The same when day 2's firing was recorded before.
    expect(ends(findFirings([rule()], evs, all, [{ ruleId: 'r1', customerId: 'c1', productSku: null, windowEnd: new Date(t0 + 2 * day) }]))).toEqual([[9, 4, null, 'c1']]);
    // A firing later than every candidate (late events) keeps them all quiet.
    expect(findFirings([rule()], evs, all, [{ ruleId: 'r1', customerId: 'c1', productSku: null, windowEnd: new Date(t0 + 30 * day) }])).toEqual([]);
    // Another rule's or customer's firing does not count.
    expect(findFirings([rule()], evs, all, [{ ruleId: 'r2', customerId: 'c1', productSku: null, windowEnd: new Date(t0 + 2 * day) }, { ruleId: 'r1', customerId: 'c2', productSku: null, windowEnd: new Date(t0 + 2 * day) }])).toHaveLength(2);
  });

  test('each product counts apart; events at the same moment all count', () => {
    const evs = [ev(0, { productSku: 'A' }), ev(0, { productSku: 'B' }), ev(1, { productSku: 'a' }), ev(1, { productSku: 'B' }), ev(2, { productSku: 'B' }), ev(3, { productSku: 'C' }), ev(3, { productSku: 'C' }), ev(3, { productSku: 'C' })];
    const firings = findFirings([rule({ perProduct: true })], evs, new Set(evs.map((e) => e.id)), []);
    expect(ends(firings).sort()).toEqual([[2, 3, 'B', 'c1'], [3, 3, 'C', 'c1']]);
  });

  test('customers count apart; several rules fire independently', () => {
    const evs = [ev(0), ev(0, { customerId: 'c2' }), ev(1), ev(2), ev(2, { type: 'seminar_attended' })];
    const firings = findFirings([rule(), rule({ id: 'r2', eventType: 'seminar_attended', minCount: 1 })], evs, new Set(evs.map((e) => e.id)), []);
    expect(firings.map((f) => [f.rule.id, f.customerId, f.events.length])).toEqual([['r1', 'c1', 3], ['r2', 'c1', 1]]);
  });
});

describe('resolving a reference', () => {
  const lookups = (entries: Partial<Record<keyof Lookups, Record<string, string[]>>>): Lookups => ({
    externalId: new Map(Object.entries(entries.externalId ?? {})),
    email: new Map(Object.entries(entries.email ?? {})),
    domain: new Map(Object.entries(entries.domain ?? {})),
    name: new Map(Object.entries(entries.name ?? {})),
  });

  test('normalised: email lower-cased, the domain from a URL or the email, free mail dropped, the name folded', () => {
    expect(normaliseRef({ email: ' Buyer@ACME.com ', name: ' ＡＣＭＥ  Corp' })).toEqual({ email: 'buyer@acme.com', domain: 'acme.com', name: 'acme corp' });
    expect(normaliseRef({ domain: 'https://www.Acme.com:443/x?y' })).toEqual({ domain: 'acme.com' });
    expect(normaliseRef({ email: 'me@qq.com' })).toEqual({ email: 'me@qq.com' });
    expect(normaliseRef({ domain: 'gmail.com', external_id: ' 42 ' })).toEqual({ externalId: '42' });
    expect(normaliseRef({ domain: 'localhost' })).toEqual({});
    expect(hostOf('163.com')).toBe('163.com');
  });

  test('the first kind that finds anyone decides; two customers are ambiguous', () => {
    const l = lookups({ externalId: { X: ['c1'] }, email: { 'a@b.com': ['c2'], 'two@b.com': ['c3', 'c4'] }, domain: { 'b.com': ['c5'], 'many.com': ['c6', 'c7'] }, name: { acme: ['c8'] } });
    expect(pickCustomer({ externalId: 'X', email: 'a@b.com' }, l)).toEqual({ customerId: 'c1', resolution: 'external_id' });
    expect(pickCustomer({ externalId: 'unknown', email: 'a@b.com', domain: 'b.com' }, l)).toEqual({ customerId: 'c2', resolution: 'email' });
    expect(pickCustomer({ email: 'two@b.com', domain: 'b.com', name: 'acme' }, l)).toEqual({ customerId: null, resolution: 'ambiguous' });
    expect(pickCustomer({ email: 'new@b.com', domain: 'b.com' }, l)).toEqual({ customerId: 'c5', resolution: 'domain' });
    expect(pickCustomer({ domain: 'many.com', name: 'acme' }, l)).toEqual({ customerId: null, resolution: 'ambiguous' });
    expect(pickCustomer({ name: 'acme' }, l)).toEqual({ customerId: 'c8', resolution: 'name' });
    expect(pickCustomer({ name: 'other' }, l)).toEqual({ customerId: null, resolution: 'unknown' });
    expect(pickCustomer({}, l)).toEqual({ customerId: null, resolution: 'unknown' });
  });
});

describe('how much history evaluating fresh events needs', () => {
  test('a window before the oldest fresh event, or from the rule’s latest firing there if later; per customer, the earliest', () => {
    const fresh = [ev(10), ev(12), ev(11, { customerId: 'c2' }), ev(11, { customerId: 'c3', type: 'download' })];
    const rules = [rule(), rule({ id: 'r2', windowDays: 3 })];
    const none = historyNeeded(rules, fresh, []);
    expect([...none].map(([c, at]) => [c, (at.getTime() - t0) / day])).toEqual([['c1', 3], ['c2', 4]]);
    const fired = historyNeeded(rules, fresh, [{ ruleId: 'r1', customerId: 'c1', productSku: null, windowEnd: new Date(t0 + 9 * day) }]);
    // r1 now needs c1's events after day 9; r2 still from day 7 (10 − 3): the earlier wins.
    expect((fired.get('c1')!.getTime() - t0) / day).toBe(7);
    const both = historyNeeded(rules, fresh, [{ ruleId: 'r1', customerId: 'c1', productSku: null, windowEnd: new Date(t0 + 9 * day) }, { ruleId: 'r2', customerId: 'c1', productSku: null, windowEnd: new Date(t0 + 9.5 * day) }]);
    expect((both.get('c1')!.getTime() - t0) / day).toBe(9);
  });
});
