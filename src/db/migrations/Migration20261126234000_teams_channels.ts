import { Migration } from '@mikro-orm/migrations';

/** Team channels and group chats the bot has been talked to in: where channel reports can be posted. */
export class Migration20261126234000_teams_channels extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "teams_channels" ("conversation_id" varchar(300) not null primary key, "tenant_id" uuid not null, "reference" jsonb not null, "active" boolean not null default true, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "teams_channels" add constraint "teams_channels_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "teams_channels" cascade;`);
  }
}
