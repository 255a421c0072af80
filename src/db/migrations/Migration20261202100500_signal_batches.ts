import { Migration } from '@mikro-orm/migrations';

/**
 * Signal requests as received: `POST /api/signals` stores each accepted request as one row (the
 * raw body as text, no jsonb conversion, and the indexes of the events it refused or found
 * repeated), and the worker expands the rows into `signal_events`. Rows live seconds.
 */
export class Migration20261202100500_signal_batches extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "signal_batches" (
      "id" bigserial primary key,
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "api_key_id" uuid null references "api_keys" ("id") on delete set null,
      "body" text not null,
      "skip" int[] not null default '{}',
      "received_at" timestamptz not null default now());`);
    // lz4 (PostgreSQL 14+, when built with it): a 300 KB body becomes about 50 KB at a fraction of
    // pglz's cost, so storing it writes a sixth of the WAL and TOAST chunks. Without lz4: stored
    // uncompressed, which is still cheaper per request than pglz.
    this.addSql(`do $$ begin
      alter table "signal_batches" alter column "body" set compression lz4;
    exception when others then
      alter table "signal_batches" alter column "body" set storage external;
    end $$;`);
    this.addSql(`create index "signal_batches_tenant_id_id_index" on "signal_batches" ("tenant_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "signal_batches";`);
  }
}
