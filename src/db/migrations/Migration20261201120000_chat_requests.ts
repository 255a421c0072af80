import { Migration } from '@mikro-orm/migrations';

/**
 * Every chat interaction that writes, by the idempotency key derived from the platform's own ids:
 * the reply it got, and whether that reply has reached the person. A repeat of the same delivery
 * (a replayed body, a retried job, a second copy of a queued command) finds its row and changes
 * nothing; a queued command's answer is claimed before it is sent, so it is sent once.
 */
export class Migration20261201120000_chat_requests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "chat_requests" (
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "key" varchar(100) not null,
      "user_id" uuid not null,
      "reply" jsonb not null,
      "answer_claimed_at" timestamptz null,
      "answered_at" timestamptz null,
      "created_at" timestamptz not null default now(),
      primary key ("tenant_id", "key"));`);
    this.addSql(`create index "chat_requests_created_at_index" on "chat_requests" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "chat_requests";`);
  }
}
