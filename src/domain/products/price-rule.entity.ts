import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export const priceRuleKinds = ['price_list', 'region', 'volume', 'promotion', 'cap'] as const;

/**
 * A stored price rule; which columns matter depends on the kind (see pricing/price-engine.ts for
 * the precedence): price_list → unit_price for a tier and/or customer type (the customer's
 * industry); region → percent up or down; volume → percent off from min_quantity; promotion →
 * percent off between valid_from and valid_to; cap → the most percent off the rules may give.
 */
export const PriceRule = defineEntity({
  name: 'PriceRule',
  tableName: 'price_rules',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    name: p.string().length(200),
    kind: p.enum([...priceRuleKinds]),
    sku: p.string().length(64).nullable(),
    tier: p.string().length(1).nullable(),
    customerType: p.string().length(100).nullable(),
    region: p.string().length(100).nullable(),
    unitPrice: p.decimal().precision(14).scale(2).nullable(),
    percent: p.decimal().precision(7).scale(3).nullable(),
    minQuantity: p.integer().nullable(),
    validFrom: p.datetime().nullable(),
    validTo: p.datetime().nullable(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type PriceRule = InferEntity<typeof PriceRule>;
