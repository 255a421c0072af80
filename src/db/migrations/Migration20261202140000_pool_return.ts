import { Migration } from '@mikro-orm/migrations';

/**
 * Public-pool auto-return and claim limits.
 *
 * `customers.owner_since` is when the current owner got the customer (a stretch of inactivity
 * never starts before it); `customers.claimed_at` is set when the owner took it from the pool and
 * cleared when it leaves them (an open claim). A trigger keeps both right for every way a row is
 * written (use cases, imports, the demo seed): a new owner without an explicit value gets
 * `owner_since = now()` and no claim; no owner clears both. Existing owned rows get their last
 * update as `owner_since`; claims are recovered from the audit log where the claim is still the
 * latest change of owner.
 *
 * `pool_settings`: one row per tenant (no row = auto-return off, no claim limit).
 * `pool_warnings`: one row per customer, owner and inactivity stretch (the local date of the last
 * activity), so a warning is given once however often the daily job runs.
 * `pool_returns`: every automatic return, for the owner's notice and the manager's weekly summary.
 */
export class Migration20261202140000_pool_return extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customers" add column "owner_since" timestamptz null, add column "claimed_at" timestamptz null;`);
    this.addSql(`update "customers" set "owner_since" = coalesce("updated_at", "created_at") where "owner_id" is not null;`);
    this.addSql(`update "customers" c set "claimed_at" = a."at"
      from (select distinct on (entity_id) entity_id, action, at, after->>'ownerId' as owner
              from "audit_log"
             where entity_type = 'customer' and (before->>'ownerId') is distinct from (after->>'ownerId')
             order by entity_id, id desc) a
     where a.entity_id = c.id::text and a.action = 'customer.claim' and a.owner = c.owner_id::text;`);
    this.addSql(`create function track_customer_owner() returns trigger language plpgsql as $$
      begin
        if new.owner_id is null then
          new.owner_since := null;
          new.claimed_at := null;
        elsif tg_op = 'INSERT' then
          new.owner_since := coalesce(new.owner_since, now());
        elsif new.owner_id is distinct from old.owner_id then
          if new.owner_since is not distinct from old.owner_since then new.owner_since := now(); end if;
          if new.claimed_at is not distinct from old.claimed_at then new.claimed_at := null; end if;
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger customers_track_owner before insert or update on "customers" for each row execute function track_customer_owner();`);
    this.addSql(`create index "customers_open_claims_index" on "customers" ("tenant_id", "owner_id") where "claimed_at" is not null;`);

    this.addSql(`create table "pool_settings" (
      "tenant_id" uuid primary key references "tenants" ("id") on delete cascade,
      "return_days" int null check ("return_days" between 1 and 365),
      "tier_days" jsonb not null default '{}',
      "warn_days" int not null default 3 check ("warn_days" between 1 and 364),
      "max_claims" int null check ("max_claims" between 1 and 10000),
      "updated_by" uuid null references "users" ("id") on delete set null,
      "updated_at" timestamptz not null);`);
    this.addSql(`create table "pool_warnings" (
      "id" uuid primary key default gen_random_uuid(),
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "customer_id" uuid not null references "customers" ("id") on delete cascade,
      "owner_id" uuid not null references "users" ("id") on delete cascade,
      "anchor_on" date not null,
      "warned_on" date not null,
      "return_on" date not null,
      "created_at" timestamptz not null default now(),
      constraint "pool_warnings_stretch_unique" unique ("customer_id", "owner_id", "anchor_on"));`);
    this.addSql(`create index "pool_warnings_owner_day_index" on "pool_warnings" ("tenant_id", "owner_id", "warned_on");`);
    this.addSql(`create table "pool_returns" (
      "id" uuid primary key default gen_random_uuid(),
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "customer_id" uuid not null references "customers" ("id") on delete cascade,
      "previous_owner_id" uuid not null references "users" ("id") on delete cascade,
      "returned_at" timestamptz not null,
      "returned_on" date not null,
      "last_activity_on" date not null,
      "days_inactive" int not null);`);
    this.addSql(`create index "pool_returns_tenant_day_index" on "pool_returns" ("tenant_id", "returned_on");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "pool_returns";`);
    this.addSql(`drop table if exists "pool_warnings";`);
    this.addSql(`drop table if exists "pool_settings";`);
    this.addSql(`drop trigger if exists customers_track_owner on "customers";`);
    this.addSql(`drop function if exists track_customer_owner();`);
    this.addSql(`drop index if exists "customers_open_claims_index";`);
    this.addSql(`alter table "customers" drop column if exists "owner_since", drop column if exists "claimed_at";`);
  }
}
