import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { searchNameOf } from '../domain/customers/customer-access';
import type { CsvRow } from './csv';
import { normaliseCurrency } from './fields';

export const orderColumns = {
  required: ['order_id', 'order_date', 'customer', 'owner_email', 'region', 'sku', 'product_name', 'quantity', 'amount', 'currency'],
  optional: ['category', 'discount', 'unit_price'],
} as const;

/** One order line as it is staged in the database: text for every decimal, exactly as written. */
export type OrderLineRow = {
  line: number;
  ok: true;
  order_id: string;
  order_date: string;
  customer: string;
  search_name: string;
  owner_email: string | null;
  region: string | null;
  sku: string;
  product_name: string;
  product_search_name: string;
  category: string | null;
  quantity: string;
  unit_price: string | null;
  discount: string | null;
  amount: string;
  currency: string;
};

/** A line with problems keeps its order id, so the rest of its order is left out with it. */
export type BadLineRow = { line: number; ok: false; order_id: string | null };

const money = /^\d{1,12}(\.\d{1,2})?$/;
const quantityPattern = /^\d{1,11}(\.\d{1,3})?$/;
const skuPattern = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]*$/u;
const emailSchema = z.string().email().max(254);
const largestMoney = new Decimal('999999999999.99');
/** A unit price may be a cent off the line total: files round each line, not each unit. */
const tolerance = new Decimal('0.01');

function moneyProblem(column: string, text: string): string | null {
  if (money.test(text)) return null;
  if (text.startsWith('-')) return `${column} "${text}" must not be negative`;
  if (column === 'discount' && text.endsWith('%')) return `discount "${text}" must be an amount of money, not a percent (the line's whole discount, so amount = quantity × unit_price − discount)`;
  return `${column} "${text}" must be a decimal of at least 0 with at most 2 decimals, like 1299 or 1299.50 (no currency sign, no thousands separators)`;
}

function dateProblem(text: string, today: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return `order_date "${text}" must be a date written YYYY-MM-DD, like 2026-11-30`;
  const date = DateTime.fromISO(text, { zone: 'UTC' });
  if (!date.isValid || date.toISODate() !== text) return `order_date ${text} is not a date in the calendar`;
  if (text > today) return `order_date ${text} is in the future (today is ${today} in the tenant's time zone)`;
  return null;
}

/**
 * Checks one CSV line on its own (lines against each other and against stored data are checked
 * in the database). Empty optional cells are null; `today` is the tenant's date, later order
 * dates are refused (a won deal cannot close in the future).
 */
export function readOrderLine({ line, values: v }: CsvRow, today: string): { row: OrderLineRow | BadLineRow; problems: string[] } {
  const problems: string[] = [];
  const text = (column: string) => v[column] ?? '';
  const limit = (column: string, value: string, max: number) => {
    if (value.length > max) problems.push(`${column} must be at most ${max} characters`);
  };

  const orderId = text('order_id');
  if (!orderId) problems.push('order_id is required');
  limit('order_id', orderId, 100);
  const orderDate = text('order_date');
  if (!orderDate) problems.push('order_date is required');
  else {
    const p = dateProblem(orderDate, today);
    if (p) problems.push(p);
  }
  const customer = text('customer');
  if (!customer) problems.push('customer is required');
  limit('customer', customer, 200);
  const ownerEmail = text('owner_email').toLowerCase() || null;
  if (ownerEmail && !emailSchema.safeParse(ownerEmail).success) problems.push(`owner_email "${ownerEmail}" is not a valid email address`);
  const region = text('region') || null;
  if (region) limit('region', region, 100);

  const sku = text('sku').toUpperCase();
  if (!sku) problems.push('sku is required');
  else if (sku.length > 64) problems.push('sku must be at most 64 characters');
  else if (!skuPattern.test(sku)) problems.push(`sku "${text('sku')}" may hold letters, digits and . _ - / only`);
  const productName = text('product_name');
  if (!productName) problems.push('product_name is required');
  limit('product_name', productName, 200);
  const category = text('category') || null;
  if (category) limit('category', category, 100);

  const quantity = text('quantity');
  if (!quantity) problems.push('quantity is required');
  else if (!quantityPattern.test(quantity)) problems.push(`quantity "${quantity}" must be a number above 0 with at most 3 decimals, like 2 or 1.5`);
  else if (new Decimal(quantity).lte(0)) problems.push('quantity must be above 0');
  const amount = text('amount');
  if (!amount) problems.push('amount is required');
  else {
    const p = moneyProblem('amount', amount);
    if (p) problems.push(p);
  }
  const unitPrice = text('unit_price') || null;
  const discount = text('discount') || null;
  for (const [column, value] of [['unit_price', unitPrice], ['discount', discount]] as const) {
    const p = value === null ? null : moneyProblem(column, value);
    if (p) problems.push(p);
  }
  const currency = normaliseCurrency(text('currency'));
  if (!currency) problems.push(`currency "${text('currency')}" must be a three-letter code like USD or CNY`);

  if (problems.length > 0) return { row: { line, ok: false, order_id: orderId && orderId.length <= 100 ? orderId : null }, problems };

  const q = new Decimal(quantity);
  const total = new Decimal(amount);
  if (unitPrice !== null) {
    const expected = q.times(unitPrice).minus(discount ?? 0);
    if (expected.minus(total).abs().gt(tolerance)) {
      problems.push(
        `amount ${total.toFixed(2)} is not quantity × unit_price${discount !== null ? ' − discount' : ''} (${q.toString()} × ${new Decimal(unitPrice).toFixed(2)}${discount !== null ? ` − ${new Decimal(discount).toFixed(2)}` : ''} = ${expected.toFixed(2)}); discount is money off the line, not a percent`,
      );
    }
  } else if (total.div(q).gt(largestMoney)) {
    // The price of a product this line creates is amount ÷ quantity.
    problems.push(`amount ÷ quantity (${total.div(q).toFixed(2)}) is too large for a unit price`);
  }
  // Folding width can lengthen a name (㍿ is 株式会社): what is stored must still fit.
  const searchName = searchNameOf(customer);
  const productSearchName = searchNameOf(productName);
  if (searchName.length > 200) problems.push('customer must be at most 200 characters once folded for search');
  if (productSearchName.length > 200) problems.push('product_name must be at most 200 characters once folded for search');
  if (problems.length > 0) return { row: { line, ok: false, order_id: orderId }, problems };

  return {
    row: {
      line,
      ok: true,
      order_id: orderId,
      order_date: orderDate,
      customer,
      search_name: searchName,
      owner_email: ownerEmail,
      region,
      sku,
      product_name: productName,
      product_search_name: productSearchName,
      category,
      quantity,
      unit_price: unitPrice,
      discount,
      amount,
      currency: currency!,
    },
    problems,
  };
}
