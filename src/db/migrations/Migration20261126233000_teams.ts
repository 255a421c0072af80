import { Migration } from '@mikro-orm/migrations';

/** Where to reach a Teams user later (reminders, approvals, reports): their conversation reference. */
export class Migration20261126233000_teams extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "teams_conversations" ("user_id" uuid not null primary key, "tenant_id" uuid not null, "conversation_id" varchar(300) not null, "reference" jsonb not null, "active" boolean not null default true, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "teams_conversations" add constraint "teams_conversations_user_id_fk" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "teams_conversations" add constraint "teams_conversations_tenant_id_fk" foreign key ("tenant_id") references "tenants" ("id") on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "teams_conversations" cascade;`);
  }
}
