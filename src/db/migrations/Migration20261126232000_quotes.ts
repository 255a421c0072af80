import { Migration } from '@mikro-orm/migrations';

/** The product catalog, price rules, quotes with their lines, and the tenant's approval policy. */
export class Migration20261126232000_quotes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "products" ("id" uuid not null primary key, "tenant_id" uuid not null, "sku" varchar(64) not null, "name" varchar(200) not null, "search_name" varchar(200) not null, "description" text null, "specs" text null, "features" text null, "use_cases" text null, "list_price" numeric(14,2) not null, "currency" varchar(3) not null, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "products" add constraint "products_tenant_id_sku_unique" unique ("tenant_id", "sku");`);
    this.addSql(`create index "products_tenant_id_search_name_index" on "products" ("tenant_id", "search_name");`);
    this.addSql(`alter table "products" add constraint "products_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);

    this.addSql(`create table "price_rules" ("id" uuid not null primary key, "tenant_id" uuid not null, "name" varchar(200) not null, "kind" text check ("kind" in ('price_list', 'region', 'volume', 'promotion', 'cap')) not null, "sku" varchar(64) null, "tier" varchar(1) null, "customer_type" varchar(100) null, "region" varchar(100) null, "unit_price" numeric(14,2) null, "percent" numeric(7,3) null, "min_quantity" int null, "valid_from" timestamptz null, "valid_to" timestamptz null, "active" boolean not null default true, "created_at" timestamptz not null);`);
    this.addSql(`create index "price_rules_tenant_id_active_index" on "price_rules" ("tenant_id", "active");`);
    this.addSql(`alter table "price_rules" add constraint "price_rules_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);

    this.addSql(`create table "quotes" ("id" uuid not null primary key, "tenant_id" uuid not null, "number" varchar(20) not null, "customer_id" uuid not null, "opportunity_id" uuid null, "owner_id" uuid not null, "currency" varchar(3) not null, "status" text check ("status" in ('draft', 'pending_approval', 'approved', 'rejected', 'sent', 'accepted', 'expired')) not null, "extra_percent_off" numeric(7,3) not null default 0, "total" numeric(16,2) not null, "valid_until" date not null, "approver_id" uuid null, "decided_by" uuid null, "decided_at" timestamptz null, "decision_comment" text null, "source_key" varchar(100) null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "quotes" add constraint "quotes_tenant_id_number_unique" unique ("tenant_id", "number");`);
    this.addSql(`create unique index "quotes_tenant_id_source_key_unique" on "quotes" ("tenant_id", "source_key") where "source_key" is not null;`);
    this.addSql(`create index "quotes_tenant_id_approver_id_status_index" on "quotes" ("tenant_id", "approver_id", "status");`);
    this.addSql(`alter table "quotes" add constraint "quotes_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);
    this.addSql(`alter table "quotes" add constraint "quotes_customer_id_fk" foreign key ("customer_id") references "customers" ("id") on delete cascade;`);
    this.addSql(`alter table "quotes" add constraint "quotes_owner_id_fk" foreign key ("owner_id") references "users" ("id");`);
    this.addSql(`alter table "quotes" add constraint "quotes_opportunity_id_fk" foreign key ("opportunity_id") references "opportunities" ("id") on delete set null;`);

    this.addSql(`create table "quote_lines" ("id" uuid not null primary key, "quote_id" uuid not null, "position" int not null, "product_id" uuid not null, "sku" varchar(64) not null, "name" varchar(200) not null, "quantity" int not null, "list_price" numeric(14,2) not null, "unit_price" numeric(14,2) not null, "total" numeric(16,2) not null, "applied" jsonb not null default '[]');`);
    this.addSql(`create index "quote_lines_quote_id_index" on "quote_lines" ("quote_id");`);
    this.addSql(`alter table "quote_lines" add constraint "quote_lines_quote_id_fk" foreign key ("quote_id") references "quotes" ("id") on delete cascade;`);
    this.addSql(`alter table "quote_lines" add constraint "quote_lines_product_id_fk" foreign key ("product_id") references "products" ("id");`);

    this.addSql(`alter table "tenants" add column "approval_policy" jsonb not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "tenants" drop column "approval_policy";`);
    for (const t of ['quote_lines', 'quotes', 'price_rules', 'products']) this.addSql(`drop table if exists "${t}" cascade;`);
  }
}
