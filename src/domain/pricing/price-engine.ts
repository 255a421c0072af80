import Decimal from 'decimal.js';

/**
 * Pricing, pure and exact (decimal.js, never binary floating point). One documented precedence,
 * applied in this order to one quote line:
 *
 *   1. list price of the product;
 *   2. price list: a fixed unit price for the customer's tier and/or type replaces it — the most
 *      specific list wins (tier and type > tier > type), then the lowest price;
 *   3. region adjustment: a percentage up or down for the customer's region (several: the lowest);
 *   4. volume break: the percentage off of the largest break whose minimum quantity is reached
 *      (several at that quantity: the largest percentage);
 *   5. promotion: the single best active promotion (by date) for the product — promotions never
 *      stack with each other, they do stack with a volume break;
 *   6. discount cap: the rules together never take the price below list × (1 − cap); the
 *      tightest cap that applies wins;
 *
 * Ties left after that go to the rule with the smaller id, so the order rules are stored in never
 * changes a price or its explanation.
 *   7. the quote's requested extra discount (which may need approval, decided elsewhere).
 *
 * Unit prices are rounded to the currency's minor unit (half up) after each step that changes
 * them; the line total is unit price × quantity, rounded once more. Every step that changed the
 * price is listed, so a quote line can say which rules gave its price.
 */

export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;

export type PriceRule =
  | { id: string; name: string; kind: 'price_list'; unitPrice: string; tier?: string | null; customerType?: string | null; sku?: string | null }
  | { id: string; name: string; kind: 'region'; region: string; percent: string; sku?: string | null }
  | { id: string; name: string; kind: 'volume'; minQuantity: number; percentOff: string; sku?: string | null }
  | { id: string; name: string; kind: 'promotion'; percentOff: string; validFrom: Date; validTo: Date; sku?: string | null }
  | { id: string; name: string; kind: 'cap'; maxPercentOff: string; sku?: string | null };

export type PricingInput = {
  sku: string;
  listPrice: string;
  currency: string;
  quantity: number;
  customer: { tier?: string | null; type?: string | null; region?: string | null };
  at: Date;
  rules: PriceRule[];
  /** The quote's requested extra discount, in percent. */
  extraPercentOff?: string;
};

export type AppliedRule = { ruleId: string | null; name: string; kind: PriceRule['kind'] | 'list' | 'extra'; unitPrice: string };

export type PricedLine = {
  sku: string;
  quantity: number;
  currency: string;
  listPrice: string;
  unitPrice: string;
  total: string;
  /** Percent below list, after everything (rules and the extra discount). */
  percentOff: string;
  /** Percent below list from the rules alone, before the extra discount. */
  rulesPercentOff: string;
  applied: AppliedRule[];
};

/** Minor units per ISO currency; everything not listed has two. */
const minorUnits: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };
export const minorUnitsOf = (currency: string): number => minorUnits[currency.toUpperCase()] ?? 2;
export const roundMoney = (value: Decimal.Value, currency: string): Decimal => new Dec(value).toDecimalPlaces(minorUnitsOf(currency), Dec.ROUND_HALF_UP);

const forSku = (rule: PriceRule, sku: string) => !rule.sku || rule.sku === sku;
const byId = (a: PriceRule, b: PriceRule) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const percentOf = (value: Decimal, percent: Decimal.Value) => value.times(new Dec(percent)).dividedBy(100);

export function priceLine(input: PricingInput): PricedLine {
  const { sku, currency, quantity, customer, at } = input;
  if (!Number.isInteger(quantity) || quantity < 1) throw new RangeError('quantity must be a whole number of at least 1');
  const list = roundMoney(input.listPrice, currency);
  if (list.isNegative()) throw new RangeError('list price must not be negative');
  const rules = input.rules.filter((r) => forSku(r, sku));
  const applied: AppliedRule[] = [{ ruleId: null, name: 'List price', kind: 'list', unitPrice: list.toFixed(minorUnitsOf(currency)) }];
  let unit = list;
  const step = (rule: PriceRule | null, name: string, kind: AppliedRule['kind'], next: Decimal) => {
    const rounded = Dec.max(0, roundMoney(next, currency));
    if (rounded.equals(unit)) return;
    unit = rounded;
    applied.push({ ruleId: rule?.id ?? null, name, kind, unitPrice: unit.toFixed(minorUnitsOf(currency)) });
  };

  const specificity = (r: Extract<PriceRule, { kind: 'price_list' }>) =>
    (r.tier && r.tier === customer.tier ? 2 : 0) + (r.customerType && r.customerType === customer.type ? 1 : 0);
  const lists = rules
    .filter((r): r is Extract<PriceRule, { kind: 'price_list' }> => r.kind === 'price_list')
    .filter((r) => (!r.tier || r.tier === customer.tier) && (!r.customerType || r.customerType === customer.type) && (r.tier || r.customerType))
    .sort((a, b) => specificity(b) - specificity(a) || new Dec(a.unitPrice).comparedTo(new Dec(b.unitPrice)) || byId(a, b));
  if (lists[0]) step(lists[0], lists[0].name, 'price_list', new Dec(lists[0].unitPrice));

  const region = rules
    .filter((r): r is Extract<PriceRule, { kind: 'region' }> => r.kind === 'region' && !!customer.region && r.region === customer.region)
    .sort((a, b) => new Dec(a.percent).comparedTo(new Dec(b.percent)) || byId(a, b))[0];
  if (region) step(region, region.name, 'region', unit.plus(percentOf(unit, region.percent)));

  const volume = rules
    .filter((r): r is Extract<PriceRule, { kind: 'volume' }> => r.kind === 'volume' && quantity >= r.minQuantity)
    .sort((a, b) => b.minQuantity - a.minQuantity || new Dec(b.percentOff).comparedTo(new Dec(a.percentOff)) || byId(a, b))[0];
  if (volume) step(volume, volume.name, 'volume', unit.minus(percentOf(unit, volume.percentOff)));

  const promotion = rules
    .filter((r): r is Extract<PriceRule, { kind: 'promotion' }> => r.kind === 'promotion' && r.validFrom <= at && at < r.validTo)
    .sort((a, b) => new Dec(b.percentOff).comparedTo(new Dec(a.percentOff)) || byId(a, b))[0];
  if (promotion) step(promotion, promotion.name, 'promotion', unit.minus(percentOf(unit, promotion.percentOff)));

  const cap = rules
    .filter((r): r is Extract<PriceRule, { kind: 'cap' }> => r.kind === 'cap')
    .sort((a, b) => new Dec(a.maxPercentOff).comparedTo(new Dec(b.maxPercentOff)) || byId(a, b))[0];
  if (cap) {
    const floor = roundMoney(list.minus(percentOf(list, cap.maxPercentOff)), currency);
    if (unit.lessThan(floor)) step(cap, cap.name, 'cap', floor);
  }
  const afterRules = unit;

  const extra = new Dec(input.extraPercentOff ?? 0);
  if (extra.isNegative() || extra.greaterThan(100)) throw new RangeError('an extra discount is between 0 and 100 percent');
  if (!extra.isZero()) step(null, `Extra discount ${extra.toFixed()}%`, 'extra', unit.minus(percentOf(unit, extra)));

  const off = (price: Decimal) => (list.isZero() ? new Dec(0) : new Dec(1).minus(price.dividedBy(list)).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP));
  return {
    sku,
    quantity,
    currency,
    listPrice: list.toFixed(minorUnitsOf(currency)),
    unitPrice: unit.toFixed(minorUnitsOf(currency)),
    total: roundMoney(unit.times(quantity), currency).toFixed(minorUnitsOf(currency)),
    percentOff: off(unit).toFixed(2),
    rulesPercentOff: off(afterRules).toFixed(2),
    applied,
  };
}

/** The sum of line totals, exactly, in the quote's currency. */
export function quoteTotal(lines: Pick<PricedLine, 'total'>[], currency: string): string {
  return roundMoney(lines.reduce((sum, l) => sum.plus(l.total), new Dec(0)), currency).toFixed(minorUnitsOf(currency));
}
