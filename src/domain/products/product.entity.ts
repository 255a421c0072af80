import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export const Product = defineEntity({
  name: 'Product',
  tableName: 'products',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    sku: p.string().length(64),
    name: p.string().length(200),
    /** NFKC-folded, lower-cased name, as customers' names are searched. */
    searchName: p.string().length(200),
    description: p.text().nullable(),
    specs: p.text().nullable(),
    features: p.text().nullable(),
    useCases: p.text().nullable(),
    category: p.string().length(100).nullable(),
    /** Exact decimal as a string; arithmetic goes through decimal.js. */
    listPrice: p.decimal().precision(14).scale(2),
    currency: p.string().length(3),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type Product = InferEntity<typeof Product>;
