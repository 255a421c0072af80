import fc from 'fast-check';
import { Dec, minorUnitsOf, priceLine, quoteTotal, type PriceRule, type PricingInput } from '../../../src/domain/pricing/price-engine';

const at = new Date('2026-11-26T10:00:00Z');
const base = (over: Partial<PricingInput> = {}): PricingInput => ({ sku: 'SKU-1', listPrice: '100.00', currency: 'USD', quantity: 1, customer: { tier: 'B', type: 'enterprise', region: 'East' }, at, rules: [], ...over });

const rules: Record<string, PriceRule> = {
  tierB: { id: 'r1', name: 'Tier B list', kind: 'price_list', unitPrice: '90.00', tier: 'B' },
  tierBEnterprise: { id: 'r2', name: 'Tier B enterprise', kind: 'price_list', unitPrice: '95.00', tier: 'B', customerType: 'enterprise' },
  enterprise: { id: 'r3', name: 'Enterprise list', kind: 'price_list', unitPrice: '80.00', customerType: 'enterprise' },
  east: { id: 'r4', name: 'East +5%', kind: 'region', region: 'East', percent: '5' },
  vol10: { id: 'r5', name: '10+ units', kind: 'volume', minQuantity: 10, percentOff: '5' },
  vol100: { id: 'r6', name: '100+ units', kind: 'volume', minQuantity: 100, percentOff: '12' },
  promo: { id: 'r7', name: 'November promo', kind: 'promotion', percentOff: '10', validFrom: new Date('2026-11-01T00:00:00Z'), validTo: new Date('2026-12-01T00:00:00Z') },
  smallPromo: { id: 'r8', name: 'Small promo', kind: 'promotion', percentOff: '3', validFrom: new Date('2026-11-01T00:00:00Z'), validTo: new Date('2026-12-01T00:00:00Z') },
  expiredPromo: { id: 'r9', name: 'October promo', kind: 'promotion', percentOff: '50', validFrom: new Date('2026-10-01T00:00:00Z'), validTo: new Date('2026-11-01T00:00:00Z') },
  cap15: { id: 'r10', name: 'Max 15% off', kind: 'cap', maxPercentOff: '15' },
  otherSku: { id: 'r11', name: 'Other product', kind: 'volume', minQuantity: 1, percentOff: '50', sku: 'SKU-2' },
};

test.each([
  ['list price only', {}, '100.00', '100.00', ['list']],
  ['the most specific price list wins (tier and type over tier over type)', { rules: [rules.tierB, rules.tierBEnterprise, rules.enterprise] }, '95.00', '95.00', ['list', 'price_list']],
  ['a price list for another tier does not apply', { customer: { tier: 'A', type: 'smb' }, rules: [rules.tierB] }, '100.00', '100.00', ['list']],
  ['region adjusts after the price list', { rules: [rules.tierB, rules.east] }, '94.50', '94.50', ['list', 'price_list', 'region']],
  ['the largest reached volume break', { quantity: 150, rules: [rules.vol10, rules.vol100] }, '88.00', '13200.00', ['list', 'volume']],
  ['promotions do not stack; the best active one wins and stacks with volume', { quantity: 10, rules: [rules.vol10, rules.promo, rules.smallPromo, rules.expiredPromo] }, '85.50', '855.00', ['list', 'volume', 'promotion']],
  ['a cap stops the rules at list × (1 − cap)', { quantity: 150, rules: [rules.vol100, rules.promo, rules.cap15] }, '85.00', '12750.00', ['list', 'volume', 'promotion', 'cap']],
  ['rules for another SKU are ignored', { rules: [rules.otherSku] }, '100.00', '100.00', ['list']],
  ['the extra discount comes after the cap', { rules: [rules.cap15, rules.promo], extraPercentOff: '10' }, '81.00', '81.00', ['list', 'promotion', 'extra']],
  ['yen has no minor unit', { currency: 'JPY', listPrice: '1000', rules: [rules.smallPromo], quantity: 3 }, '970', '2910', ['list', 'promotion']],
  ['half up to the cent', { listPrice: '9.99', extraPercentOff: '12.5', quantity: 3 }, '8.74', '26.22', ['list', 'extra']],
] as const)('%s', (_name, over, unit, total, kinds) => {
  const line = priceLine(base(over as Partial<PricingInput>));
  expect(line.unitPrice).toBe(unit);
  expect(line.total).toBe(total);
  expect(line.applied.map((a) => a.kind)).toEqual(kinds);
});

test('every line explains itself: rule ids and the price after each', () => {
  const line = priceLine(base({ quantity: 10, rules: [rules.tierB, rules.vol10] }));
  expect(line.applied).toEqual([
    { ruleId: null, name: 'List price', kind: 'list', unitPrice: '100.00' },
    { ruleId: 'r1', name: 'Tier B list', kind: 'price_list', unitPrice: '90.00' },
    { ruleId: 'r5', name: '10+ units', kind: 'volume', unitPrice: '85.50' },
  ]);
  expect(line.rulesPercentOff).toBe('14.50');
});

test('bad input is refused, not priced', () => {
  expect(() => priceLine(base({ quantity: 0 }))).toThrow(RangeError);
  expect(() => priceLine(base({ quantity: 1.5 }))).toThrow(RangeError);
  expect(() => priceLine(base({ extraPercentOff: '101' }))).toThrow(RangeError);
  expect(() => priceLine(base({ extraPercentOff: '-1' }))).toThrow(RangeError);
});

const money = fc.integer({ min: 0, max: 10_000_000 }).map((cents) => new Dec(cents).dividedBy(100).toFixed(2));
const percent = fc.integer({ min: 0, max: 10_000 }).map((bp) => new Dec(bp).dividedBy(100).toFixed(2));
const rule: fc.Arbitrary<PriceRule> = fc.oneof(
  fc.record({ id: fc.constant('pl'), name: fc.constant('pl'), kind: fc.constant('price_list' as const), unitPrice: money, tier: fc.constantFrom('A', 'B', null) }),
  fc.record({ id: fc.constant('rg'), name: fc.constant('rg'), kind: fc.constant('region' as const), region: fc.constantFrom('East', 'West'), percent: fc.integer({ min: -50, max: 50 }).map(String) }),
  fc.record({ id: fc.constant('vo'), name: fc.constant('vo'), kind: fc.constant('volume' as const), minQuantity: fc.integer({ min: 1, max: 500 }), percentOff: percent }),
  fc.record({ id: fc.constant('pr'), name: fc.constant('pr'), kind: fc.constant('promotion' as const), percentOff: percent, validFrom: fc.constant(new Date('2026-01-01')), validTo: fc.constant(new Date('2027-01-01')) }),
  fc.record({ id: fc.constant('cap'), name: fc.constant('cap'), kind: fc.constant('cap' as const), maxPercentOff: fc.integer({ min: 0, max: 100 }).map(String) }),
);
const inputs = fc.record({
  listPrice: money,
  currency: fc.constantFrom('USD', 'CNY', 'JPY', 'EUR', 'KWD'),
  quantity: fc.integer({ min: 1, max: 1000 }),
  tier: fc.constantFrom('A', 'B', 'C'),
  region: fc.constantFrom('East', 'West', 'North'),
  rules: fc.array(rule, { maxLength: 8 }),
  extra: percent,
});

test('properties: never negative, exact totals, caps hold, the extra discount only lowers the price', () => {
  fc.assert(
    fc.property(inputs, (i) => {
      const input = base({ listPrice: i.listPrice, currency: i.currency, quantity: i.quantity, customer: { tier: i.tier, region: i.region }, rules: i.rules });
      const line = priceLine(input);
      const withExtra = priceLine({ ...input, extraPercentOff: i.extra });
      expect(new Dec(line.unitPrice).isNegative()).toBe(false);
      expect(new Dec(line.total).isNegative()).toBe(false);
      expect(new Dec(withExtra.unitPrice).lessThanOrEqualTo(line.unitPrice)).toBe(true);
      // The total is exactly unit × quantity (unit prices are already in minor units).
      expect(new Dec(line.total).equals(new Dec(line.unitPrice).times(i.quantity))).toBe(true);
      const caps = i.rules.filter((r) => r.kind === 'cap').map((r) => new Dec((r as { maxPercentOff: string }).maxPercentOff));
      if (caps.length && !new Dec(line.listPrice).isZero()) {
        const tightest = Dec.min(...caps);
        const floor = new Dec(line.listPrice).times(new Dec(100).minus(tightest)).dividedBy(100);
        // Within the rounding of one minor unit of the currency.
        expect(new Dec(line.unitPrice).plus(new Dec(10).pow(-minorUnitsOf(i.currency))).greaterThan(floor)).toBe(true);
      }
      expect(quoteTotal([line, withExtra], i.currency)).toBe(new Dec(line.total).plus(withExtra.total).toFixed(line.total.split('.')[1]?.length ?? 0));
    }),
    { numRuns: 500 },
  );
});

test('properties of the precedence: the order rules are stored in never matters; promotions never stack; caps bound the rules', () => {
  fc.assert(
    fc.property(inputs, fc.integer(), (i, seed) => {
      const input = base({ listPrice: i.listPrice, currency: i.currency, quantity: i.quantity, customer: { tier: i.tier, region: i.region }, rules: i.rules, extraPercentOff: i.extra });
      const shuffled = [...i.rules].sort(() => ((seed = (seed * 1103515245 + 12345) | 0) & 1 ? 1 : -1));
      expect(priceLine({ ...input, rules: shuffled })).toEqual(priceLine(input));
      const promotions = i.rules.filter((r) => r.kind === 'promotion');
      if (promotions.length > 1) {
        const best = [...promotions].sort((a, b) => new Dec((b as { percentOff: string }).percentOff).comparedTo((a as { percentOff: string }).percentOff))[0]!;
        const onlyBest = priceLine({ ...input, rules: i.rules.filter((r) => r.kind !== 'promotion' || r === best) });
        expect(priceLine(input).unitPrice).toBe(onlyBest.unitPrice);
      }
      expect(priceLine(input).applied.filter((a) => a.kind === 'promotion').length).toBeLessThanOrEqual(1);
    }),
    { numRuns: 300 },
  );
});
