import { Migration } from '@mikro-orm/migrations';

/** Where and when reports are posted: one subscription per channel and period. */
export class Migration20261126230000_report_subscriptions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "report_subscriptions" ("id" uuid not null primary key, "tenant_id" uuid not null, "owner_id" uuid not null, "scope" text check ("scope" in ('team', 'org')) not null, "platform" text check ("platform" in ('slack', 'teams')) not null, "channel_id" varchar(64) not null, "channel_name" varchar(100) null, "period" text check ("period" in ('daily', 'weekly', 'monthly', 'yearly')) not null, "local_time" varchar(5) not null default '09:00', "timezone" varchar(64) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "report_subscriptions" add constraint "report_subscriptions_channel_period_unique" unique ("tenant_id", "platform", "channel_id", "period");`);
    this.addSql(`create index "report_subscriptions_owner_id_index" on "report_subscriptions" ("owner_id");`);
    this.addSql(`alter table "report_subscriptions" add constraint "report_subscriptions_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);
    this.addSql(`alter table "report_subscriptions" add constraint "report_subscriptions_owner_id_fk" foreign key ("owner_id") references "users" ("id") on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "report_subscriptions" cascade;`);
  }
}
