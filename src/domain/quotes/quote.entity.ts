import { defineEntity, type InferEntity } from '@mikro-orm/core';
import type { AppliedRule } from '../pricing/price-engine';
import { newId } from '../shared/ids';

export const quoteStatuses = ['draft', 'pending_approval', 'approved', 'rejected', 'sent', 'accepted', 'expired'] as const;
export type QuoteStatus = (typeof quoteStatuses)[number];

export const Quote = defineEntity({
  name: 'Quote',
  tableName: 'quotes',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    /** Q-2026-0001, per tenant. */
    number: p.string().length(20),
    customerId: p.uuid(),
    opportunityId: p.uuid().nullable(),
    ownerId: p.uuid(),
    currency: p.string().length(3),
    status: p.enum([...quoteStatuses]),
    /** The extra discount asked for on top of the price rules, in percent. */
    extraPercentOff: p.decimal().precision(7).scale(3).default('0'),
    total: p.decimal().precision(16).scale(2),
    validUntil: p.date(),
    /** Who must decide while pending (null: no approval was needed). */
    approverId: p.uuid().nullable(),
    decidedBy: p.uuid().nullable(),
    decidedAt: p.datetime().nullable(),
    decisionComment: p.text().nullable(),
    sourceKey: p.string().length(100).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type Quote = InferEntity<typeof Quote>;

export const QuoteLine = defineEntity({
  name: 'QuoteLine',
  tableName: 'quote_lines',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    quoteId: p.uuid(),
    position: p.integer(),
    productId: p.uuid(),
    sku: p.string().length(64),
    name: p.string().length(200),
    quantity: p.integer(),
    listPrice: p.decimal().precision(14).scale(2),
    unitPrice: p.decimal().precision(14).scale(2),
    total: p.decimal().precision(16).scale(2),
    /** Which rules gave the price, in order (see the price engine). */
    applied: p.json<AppliedRule[]>().default('[]'),
  }),
});
export type QuoteLine = InferEntity<typeof QuoteLine>;
