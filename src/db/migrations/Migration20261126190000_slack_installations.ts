import { Migration } from '@mikro-orm/migrations';

export class Migration20261126190000_slack_installations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "slack_installations" ("id" varchar(32) not null, "tenant_id" uuid not null, "is_enterprise" boolean not null default false, "encrypted" text not null, "installed_by" varchar(32) null, "installed_at" timestamptz not null, "updated_at" timestamptz not null, constraint "slack_installations_pkey" primary key ("id"));`);
    this.addSql(`alter table "slack_installations" add constraint "slack_installations_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "slack_installations" cascade;`);
  }
}
