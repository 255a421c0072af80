import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import { searchNameOf } from '../../domain/customers/customer-access';
import type { Opportunity } from '../../domain/opportunities/opportunity.entity';
import type { OrderLine } from '../../domain/opportunities/order-line.entity';
import type { StageChange } from '../../domain/opportunities/stage-change.entity';
import type { Product } from '../../domain/products/product.entity';
import type { DemoData } from './build-demo';
import { demoTimezone } from './build-demo';
import { monthSeasonality, products as demoProducts } from './demo-data';
import { Prng } from './prng';

export type DemoOrders = { products: Product[]; opportunities: Opportunity[]; stageChanges: StageChange[]; lines: OrderLine[] };

/** The demo's catalog: the products its deals are named after, with a SKU, a category and a list price. */
const catalog = [
  { sku: 'SNS-100', category: 'Hardware', price: 1800 },
  { sku: 'ERP-INT', category: 'Software', price: 52000 },
  { sku: 'CLD-BKP', category: 'Software', price: 9600 },
  { sku: 'ROB-IND', category: 'Hardware', price: 168000 },
  { sku: 'SVC-CTR', category: 'Services', price: 24000 },
  { sku: 'NRG-MON', category: 'Hardware', price: 36000 },
] as const;

/**
 * The order history a company brings from its old ERP (as `sfa import orders` would load it):
 * the two years before the CRM's own, seasonal and growing, and a line for each deal won in the
 * CRM naming what was sold. So forecasts have four years to learn from, by product and category
 * too. Pure and repeatable, like the rest of the demo (its own PRNG, so the CRM data stays as it was).
 */
export function buildDemoOrders(data: DemoData, now: Date): DemoOrders {
  const rng = new Prng(`sfa-demo-orders:${data.tenant.slug}`);
  const tenantId = data.tenant.id;
  const products = catalog.map((c, i) => ({
    id: rng.uuid(), tenantId, sku: c.sku, name: demoProducts[i]!.en, searchName: searchNameOf(demoProducts[i]!.en), category: c.category, listPrice: `${c.price}.00`, currency: 'CNY',
    description: null, specs: null, features: null, useCases: null, active: true, createdAt: now, updatedAt: now,
  }) as Product);
  const lines: OrderLine[] = [];
  const line = (opportunityId: string, lineNo: number, p: Product, quantity: number, amount: Decimal) =>
    lines.push({ id: rng.uuid(), tenantId, opportunityId, lineNo, productId: p.id, sku: p.sku, name: p.name, category: p.category, quantity: `${quantity}.000`, unitPrice: amount.dividedBy(quantity).toFixed(2), discount: null, amount: amount.toFixed(2), currency: 'CNY' } as OrderLine);
  // Each CRM deal won is named after a product: that is its line.
  for (const o of data.opportunities.filter((x) => x.stage === 'won')) {
    const i = demoProducts.findIndex((p) => o.title.startsWith(p.en) || o.title.startsWith(p.zh));
    const p = products[Math.max(0, i)]!;
    line(o.id, 1, p, Math.max(1, Math.round(Number(o.amount) / Number(p.listPrice))), new Decimal(o.amount));
  }
  const owned = data.customers.filter((c) => c.ownerId);
  const opportunities: Opportunity[] = [];
  const stageChanges: StageChange[] = [];
  const start = DateTime.fromJSDate(now, { zone: demoTimezone }).startOf('month').minus({ months: 47 });
  for (let k = 0; k < 24; k++) {
    const month = start.plus({ months: k });
    const orders = Math.round(6 * monthSeasonality[month.month - 1]! * (1 + (0.2 * k) / 12));
    for (let n = 1; n <= orders; n++) {
      const customer = rng.pick(owned);
      const closedAt = month.plus({ days: rng.int(0, month.daysInMonth! - 1), hours: rng.int(9, 17) }).toJSDate();
      // A customer who bought then was a customer then.
      if (customer.createdAt > closedAt) customer.createdAt = customer.updatedAt = new Date(closedAt.getTime() - 30 * 86_400_000);
      const id = rng.uuid();
      const chosen = rng.sample(products, rng.int(1, 2));
      const amounts = chosen.map((p) => new Decimal(p.listPrice).times(rng.int(1, 4)).times(0.85 + 0.3 * rng.next()).toDecimalPlaces(2));
      const amount = amounts.reduce((a, b) => a.plus(b), new Decimal(0));
      chosen.forEach((p, j) => line(id, j + 1, p, Math.max(1, Math.round(amounts[j]!.dividedBy(p.listPrice).toNumber())), amounts[j]!));
      opportunities.push({
        id, tenantId, customerId: customer.id, ownerId: customer.ownerId!, title: `ERP order ${month.toFormat('yyyyLL')}-${String(n).padStart(3, '0')}`,
        amount: amount.toFixed(2), currency: 'CNY', expectedCloseDate: null, stage: 'won', stageChangedAt: closedAt, probability: 100, scoreInputs: {}, score: null,
        nextStep: null, lostReason: null, closedAt, snoozedUntil: null, sourceKey: null, region: null, sourceOrderId: `ERP-${month.toFormat('yyyyLL')}-${String(n).padStart(3, '0')}`,
        createdAt: closedAt, updatedAt: closedAt,
      } as Opportunity);
      stageChanges.push({ id: rng.uuid(), tenantId, opportunityId: id, fromStage: null, toStage: 'won', changedBy: customer.ownerId, note: 'imported order', changedAt: closedAt } as StageChange);
    }
  }
  return { products, opportunities, stageChanges, lines };
}
