import { Migration } from '@mikro-orm/migrations';

/**
 * Rule-based customer tiers. Rules are per tenant, tried in `position` order; names are unique per
 * tenant whatever their case. A customer keeps the effective `tier`/`key_account` everything else
 * reads, plus which rule set them (its id, and its name as it was, for the card), hand-set
 * overrides that recomputing never touches, and when the rules last wrote the row.
 */
export class Migration20261202130000_tier_rules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "tier_rules" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "name" varchar(100) not null,
      "position" int not null,
      "tier" text check ("tier" in ('A', 'B', 'C')) not null,
      "key_account" boolean not null default false,
      "regions" jsonb not null default '[]',
      "industries" jsonb not null default '[]',
      "sizes" jsonb not null default '[]',
      "won_revenue_min" numeric(14,2) null,
      "interactions_min" int null,
      "pipeline_min" numeric(14,2) null,
      "created_by" uuid null references "users" ("id") on delete set null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null);`);
    this.addSql(`create unique index "tier_rules_tenant_id_name_unique" on "tier_rules" ("tenant_id", lower("name"));`);
    this.addSql(`create index "tier_rules_tenant_id_position_index" on "tier_rules" ("tenant_id", "position");`);
    this.addSql(`alter table "customers"
      add column "tier_rule_id" uuid null references "tier_rules" ("id") on delete set null,
      add column "tier_rule_name" varchar(100) null,
      add column "tier_override" text check ("tier_override" in ('A', 'B', 'C')) null,
      add column "key_account_override" boolean null,
      add column "tier_computed_at" timestamptz null;`);
    this.addSql(`create index "customers_tier_rule_id_index" on "customers" ("tier_rule_id") where "tier_rule_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customers" drop column "tier_rule_id", drop column "tier_rule_name", drop column "tier_override", drop column "key_account_override", drop column "tier_computed_at";`);
    this.addSql(`drop table if exists "tier_rules";`);
  }
}
