import { Migration } from '@mikro-orm/migrations';

/** Outbox and deliveries for the job worker; nudge settings on tenants; snooze on opportunities. */
export class Migration20261126200000_jobs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "outbox" ("id" bigserial primary key, "tenant_id" uuid not null, "topic" varchar(50) not null, "aggregate_id" varchar(64) not null, "action" text check ("action" in ('schedule', 'cancel')) not null, "due_at" timestamptz null, "payload" jsonb not null, "job_id" varchar(200) null, "created_at" timestamptz not null, "published_at" timestamptz null, "settled_at" timestamptz null);`);
    this.addSql(`create index "outbox_topic_aggregate_id_index" on "outbox" ("topic", "aggregate_id");`);
    // The relay reads unpublished rows in id order; the sweeper reads published, unsettled rows by due time.
    this.addSql(`create index "outbox_unpublished_index" on "outbox" ("id") where "published_at" is null;`);
    this.addSql(`create index "outbox_unsettled_index" on "outbox" ("due_at") where "published_at" is not null and "settled_at" is null;`);
    this.addSql(`alter table "outbox" add constraint "outbox_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);

    this.addSql(`create table "deliveries" ("id" bigserial primary key, "tenant_id" uuid not null, "idempotency_key" varchar(200) not null, "kind" varchar(50) not null, "user_id" uuid null, "channel" varchar(64) null, "status" text check ("status" in ('sending', 'sent', 'failed', 'dead')) not null, "attempts" int not null default 0, "uncertain" boolean not null default false, "error" text null, "message_ref" varchar(64) null, "claimed_at" timestamptz null, "sent_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "deliveries_tenant_id_status_updated_at_index" on "deliveries" ("tenant_id", "status", "updated_at");`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_user_id_fk" foreign key ("user_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "tenants" add column "nudge_hour" int not null default 9, add column "stall_days" jsonb not null default '{}';`);
    this.addSql(`alter table "opportunities" add column "snoozed_until" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "opportunities" drop column "snoozed_until";`);
    this.addSql(`alter table "tenants" drop column "nudge_hour", drop column "stall_days";`);
    this.addSql(`drop table if exists "deliveries" cascade;`);
    this.addSql(`drop table if exists "outbox" cascade;`);
  }
}
