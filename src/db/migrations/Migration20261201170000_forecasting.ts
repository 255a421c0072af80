import { Migration } from '@mikro-orm/migrations';

/**
 * Forecasting. Market factors: an admin's dated, scoped adjustment of the statistical forecast
 * (+10 % in region East from January to June). Forecast snapshots: every published forecast, one
 * row per series and month, so that when the month closes its actual can be set beside it and the
 * forecast's accuracy measured; one per tenant, reach, series, month made and month forecast.
 */
export class Migration20261201170000_forecasting extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "forecast_factors" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "scope" varchar(10) not null check ("scope" in ('all', 'region', 'product', 'category')),
      "scope_value" varchar(200) not null default '',
      "percent" numeric(7,2) not null check ("percent" > -100 and "percent" <= 1000),
      "from_month" date not null,
      "until_month" date null,
      "note" varchar(200) not null default '',
      "created_by" uuid null,
      "created_at" timestamptz not null default now(),
      check ("until_month" is null or "until_month" >= "from_month"));`);
    this.addSql(`create index "forecast_factors_tenant_index" on "forecast_factors" ("tenant_id", "from_month");`);
    this.addSql(`create table "forecast_snapshots" (
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "reach" varchar(80) not null,
      "dimension" varchar(10) not null,
      "key" varchar(200) not null,
      "made_month" date not null,
      "month" date not null,
      "made_at" timestamptz not null default now(),
      "horizon" int not null,
      "point" numeric(16,2) not null,
      "low80" numeric(16,2) not null,
      "high80" numeric(16,2) not null,
      "low95" numeric(16,2) not null,
      "high95" numeric(16,2) not null,
      "baseline" numeric(16,2) not null,
      "factor" numeric(9,4) not null,
      "model" varchar(20) not null,
      "actual" numeric(16,2) null,
      "seasonal_naive" numeric(16,2) null,
      primary key ("tenant_id", "reach", "dimension", "key", "made_month", "month"));`);
    this.addSql(`create index "forecast_snapshots_month_index" on "forecast_snapshots" ("tenant_id", "month");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "forecast_snapshots";`);
    this.addSql(`drop table if exists "forecast_factors";`);
  }
}
