import { Migration } from '@mikro-orm/migrations';

/**
 * Order history imported from CSV (`sfa import orders`): each order becomes a won deal that keeps
 * its order id (unique per tenant, so a re-import finds it) and the region it was sold in (a
 * customer may buy in several; reports fall back to the customer's region for deals without one),
 * with the order's lines. Products get a category.
 *
 * `order_lines.discount` is money, not a percent: the line's whole discount in its currency, so
 * that `amount` (the line total) = quantity × unit_price − discount when all three are known.
 */
export class Migration20261201160000_orders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "opportunities" add column "region" varchar(100) null, add column "source_order_id" varchar(100) null;`);
    this.addSql(`create unique index "opportunities_tenant_id_source_order_id_unique" on "opportunities" ("tenant_id", "source_order_id") where "source_order_id" is not null;`);
    this.addSql(`alter table "products" add column "category" varchar(100) null;`);

    this.addSql(`create table "order_lines" (
      "id" uuid not null primary key,
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "opportunity_id" uuid not null references "opportunities" ("id") on delete cascade,
      "line_no" int not null,
      "product_id" uuid null references "products" ("id") on delete set null,
      "sku" varchar(64) not null,
      "name" varchar(200) not null,
      "category" varchar(100) null,
      "quantity" numeric(14,3) not null check ("quantity" > 0),
      "unit_price" numeric(14,2) null check ("unit_price" >= 0),
      "discount" numeric(14,2) null check ("discount" >= 0),
      "amount" numeric(14,2) not null check ("amount" >= 0),
      "currency" char(3) not null,
      constraint "order_lines_opportunity_id_line_no_unique" unique ("opportunity_id", "line_no"));`);
    // Reports and forecasts read a won deal's lines by tenant and deal.
    this.addSql(`create index "order_lines_tenant_id_opportunity_id_index" on "order_lines" ("tenant_id", "opportunity_id");`);
    this.addSql(`create index "order_lines_product_id_index" on "order_lines" ("product_id");`);
    // The product breakdown reads each won deal's accepted quotes beside its order lines.
    this.addSql(`create index "quotes_accepted_by_opportunity_index" on "quotes" ("tenant_id", "opportunity_id") where "status" = 'accepted';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "quotes_accepted_by_opportunity_index";`);
    this.addSql(`drop table if exists "order_lines";`);
    this.addSql(`alter table "products" drop column if exists "category";`);
    this.addSql(`drop index if exists "opportunities_tenant_id_source_order_id_unique";`);
    this.addSql(`alter table "opportunities" drop column if exists "source_order_id", drop column if exists "region";`);
  }
}
