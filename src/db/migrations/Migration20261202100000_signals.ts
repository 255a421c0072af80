import { Migration } from '@mikro-orm/migrations';

/**
 * Signals from external systems. API keys are stored as a SHA-256 hash (the key is shown once);
 * events are kept once per sender's event id, pending until the worker has matched them to a
 * customer and run the tenant's rules. The partial index finds pending rows without reading the
 * processed history.
 */
export class Migration20261202100000_signals extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "api_keys" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "name" varchar(100) not null,
      "prefix" varchar(16) not null unique,
      "key_hash" varchar(64) not null,
      "created_by" uuid null references "users" ("id") on delete set null,
      "created_at" timestamptz not null,
      "last_used_at" timestamptz null,
      "revoked_at" timestamptz null);`);
    this.addSql(`create unique index "api_keys_tenant_id_name_active" on "api_keys" ("tenant_id", "name") where "revoked_at" is null;`);
    this.addSql(`create table "signal_events" (
      "id" bigserial primary key,
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "api_key_id" uuid null references "api_keys" ("id") on delete set null,
      "event_id" varchar(200) not null,
      "type" text check ("type" in ('page_view', 'seminar_attended', 'download', 'form_submitted', 'custom')) not null,
      "occurred_at" timestamptz not null,
      "customer_ref" jsonb not null,
      "product_sku" varchar(100) null,
      "url" varchar(2000) null,
      "properties" jsonb not null default '{}',
      "received_at" timestamptz not null default now(),
      "status" text check ("status" in ('pending', 'matched', 'unmatched')) not null default 'pending',
      "customer_id" uuid null references "customers" ("id") on delete set null,
      "processed_at" timestamptz null,
      constraint "signal_events_tenant_id_event_id_unique" unique ("tenant_id", "event_id"));`);
    this.addSql(`create index "signal_events_pending" on "signal_events" ("tenant_id", "id") where "status" = 'pending';`);
    this.addSql(`create index "signal_events_tenant_id_status_received_at_index" on "signal_events" ("tenant_id", "status", "received_at");`);
    this.addSql(`create index "signal_events_tenant_id_customer_id_occurred_at_index" on "signal_events" ("tenant_id", "customer_id", "occurred_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "signal_events";`);
    this.addSql(`drop table if exists "api_keys";`);
  }
}
