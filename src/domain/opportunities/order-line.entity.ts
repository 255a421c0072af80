import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

/**
 * A line of an imported order (the won deal it became is `opportunityId`): what was sold, as the
 * order says, kept beside the catalog product it matched (null once that product is deleted).
 * Money is exact decimal text; `discount` is money too — the line's whole discount, so that
 * `amount` = quantity × unitPrice − discount when all are known.
 */
export const OrderLine = defineEntity({
  name: 'OrderLine',
  tableName: 'order_lines',
  indexes: [{ properties: ['tenantId', 'opportunityId'] }],
  uniques: [{ properties: ['opportunityId', 'lineNo'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    opportunityId: p.uuid(),
    /** 1, 2, … in the order the lines came in the file. */
    lineNo: p.integer(),
    productId: p.uuid().nullable(),
    sku: p.string().length(64),
    name: p.string().length(200),
    category: p.string().length(100).nullable(),
    quantity: p.decimal().precision(14).scale(3),
    unitPrice: p.decimal().precision(14).scale(2).nullable(),
    discount: p.decimal().precision(14).scale(2).nullable(),
    /** The line total, what the line contributes to the deal's amount. */
    amount: p.decimal().precision(14).scale(2),
    currency: p.string().length(3).columnType('char(3)'),
  }),
});
export type OrderLine = InferEntity<typeof OrderLine>;
