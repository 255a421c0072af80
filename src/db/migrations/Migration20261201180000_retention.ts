import { Migration } from '@mikro-orm/migrations';

/**
 * Retention. A tenant's policy: days to keep finished deliveries, settled outbox rows, chat request
 * records and audit entries; a null column means the default (src/domain/retention/retention-rules.ts).
 * The checks repeat the domain's floors so that no hand-written update can make a platform's
 * redelivery run twice or audit go sooner than a year. The archive ledger records how many bytes
 * of each month's audit file belong to committed deletions, so a crash between writing a file and
 * deleting its rows is repaired (the file is cut back) rather than archived twice.
 */
export class Migration20261201180000_retention extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "retention_policies" (
      "tenant_id" uuid primary key references "tenants" ("id") on delete cascade,
      "deliveries_days" int null check ("deliveries_days" between 14 and 3650),
      "outbox_days" int null check ("outbox_days" between 1 and 3650),
      "chat_requests_days" int null check ("chat_requests_days" between 7 and 3650),
      "audit_days" int null check ("audit_days" between 365 and 36500),
      "updated_at" timestamptz not null default now());`);
    this.addSql(`create table "audit_archives" (
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "month" date not null,
      "path" text not null,
      "bytes" bigint not null,
      "entries" bigint not null,
      "updated_at" timestamptz not null default now(),
      primary key ("tenant_id", "month"));`);
    // Settled rows of one tenant in settling order (pruning walks it); unsettled rows sit under null.
    this.addSql(`create index "outbox_tenant_id_settled_at_index" on "outbox" ("tenant_id", "settled_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "outbox_tenant_id_settled_at_index";`);
    this.addSql(`drop table if exists "audit_archives";`);
    this.addSql(`drop table if exists "retention_policies";`);
  }
}
