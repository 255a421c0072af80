import { Migration } from '@mikro-orm/migrations';

/**
 * Signal rules and their firings, and what resolving a signal to a customer reads.
 *
 * - `signal_rules`: admin-defined, unique per tenant by name (case-insensitive).
 * - `signal_matches`: one row per firing of a rule for a customer (and product), with the window
 *   it counted (`window_end` is the newest counted event's time: a rule does not fire again for
 *   that customer and product while a firing's window end is within the rule's window).
 * - `customers.external_id` (the sender's own id for a customer) and `customers.signal_flagged_at`
 *   (a pool customer with a buying signal, shown first in the pool).
 * - Customer lookups by email (the customer's or any contact's) and by domain (website, emails)
 *   go through two immutable functions with GIN indexes, so resolving 1,000 events is a handful
 *   of index scans, not a walk over every customer's contacts. They pin their search_path: a
 *   restore (pg_restore) builds the indexes with an empty one.
 * - `signal_events.resolution`: how an event was matched (external_id, email, domain, name) or
 *   why not (ambiguous, unknown), for the admins' list of unmatched signals.
 * - Interactions get a `signal` type: the dated note a firing leaves on a deal's timeline.
 */
export class Migration20261202120000_signal_rules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "signal_rules" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "name" varchar(100) not null,
      "event_type" text check ("event_type" in ('page_view', 'seminar_attended', 'download', 'form_submitted', 'custom')) not null,
      "product_sku" varchar(100) null,
      "per_product" boolean not null default false,
      "url_contains" varchar(200) null,
      "min_count" int not null check ("min_count" between 1 and 1000),
      "window_days" int not null check ("window_days" between 1 and 365),
      "score_bump" int not null default 0 check ("score_bump" between 0 and 50),
      "active" boolean not null default true,
      "created_by" uuid null references "users" ("id") on delete set null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "signal_rules_sku_or_each" check (not ("per_product" and "product_sku" is not null)));`);
    this.addSql(`create unique index "signal_rules_tenant_id_name_unique" on "signal_rules" ("tenant_id", lower("name"));`);

    this.addSql(`create table "signal_matches" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenants" ("id") on delete cascade,
      "rule_id" uuid null references "signal_rules" ("id") on delete set null,
      "rule_name" varchar(100) not null,
      "customer_id" uuid not null references "customers" ("id") on delete cascade,
      "product_sku" varchar(100) null,
      "fired_at" timestamptz not null,
      "window_start" timestamptz not null,
      "window_end" timestamptz not null,
      "evidence" jsonb not null,
      "owner_id" uuid null references "users" ("id") on delete set null,
      "opportunity_id" uuid null references "opportunities" ("id") on delete set null,
      "outcome" text check ("outcome" in ('created', 'strengthened', 'flagged')) not null,
      "score_bump" int not null default 0,
      "dismissed_at" timestamptz null,
      "dismissed_by" uuid null references "users" ("id") on delete set null);`);
    this.addSql(`create index "signal_matches_rule_customer_index" on "signal_matches" ("tenant_id", "customer_id", "rule_id", "window_end");`);
    this.addSql(`create index "signal_matches_tenant_id_fired_at_index" on "signal_matches" ("tenant_id", "fired_at");`);

    this.addSql(`alter table "customers" add column "external_id" varchar(100) null, add column "signal_flagged_at" timestamptz null;`);
    this.addSql(`create unique index "customers_tenant_id_external_id_unique" on "customers" ("tenant_id", "external_id") where "external_id" is not null;`);

    // Every email a customer is reachable at, lower-cased: its own and its contacts'.
    this.addSql(`create or replace function "sfa_customer_emails"(email text, contacts jsonb) returns text[] language sql immutable parallel safe set search_path from current as $$
      select coalesce(array_agg(distinct e) filter (where e is not null and e <> ''), '{}')
        from (select lower(trim(email)) as e
              union all
              select lower(trim(c ->> 'email')) from jsonb_array_elements(case when jsonb_typeof(contacts) = 'array' then contacts else '[]'::jsonb end) c) x
    $$;`);
    // Every domain a customer is known by: its website's host (no scheme, www. or path) and its emails' domains.
    this.addSql(`create or replace function "sfa_customer_domains"(website text, email text, contacts jsonb) returns text[] language sql immutable parallel safe set search_path from current as $$
      select coalesce(array_agg(distinct d) filter (where d is not null and d like '%.%'), '{}')
        from (select split_part(lower(regexp_replace(regexp_replace(trim(website), '^[a-zA-Z]+://', ''), '^www\\.', '', 'i')), '/', 1) as d
              union all
              select split_part(e, '@', 2) from unnest("sfa_customer_emails"(email, contacts)) e) x
    $$;`);
    this.addSql(`create index "customers_emails_index" on "customers" using gin ("sfa_customer_emails"("email", "contacts"));`);
    this.addSql(`create index "customers_domains_index" on "customers" using gin ("sfa_customer_domains"("website", "email", "contacts"));`);

    this.addSql(`alter table "signal_events" add column "resolution" varchar(20) null;`);

    this.addSql(`alter table "interactions" drop constraint if exists "interactions_type_check";`);
    this.addSql(`alter table "interactions" add constraint "interactions_type_check" check ("type" in ('visit', 'call', 'email', 'meeting', 'signal'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "interactions" where "type" = 'signal';`);
    this.addSql(`alter table "interactions" drop constraint if exists "interactions_type_check";`);
    this.addSql(`alter table "interactions" add constraint "interactions_type_check" check ("type" in ('visit', 'call', 'email', 'meeting'));`);
    this.addSql(`alter table "signal_events" drop column "resolution";`);
    this.addSql(`drop index if exists "customers_domains_index";`);
    this.addSql(`drop index if exists "customers_emails_index";`);
    this.addSql(`drop function if exists "sfa_customer_domains"(text, text, jsonb);`);
    this.addSql(`drop function if exists "sfa_customer_emails"(text, jsonb);`);
    this.addSql(`drop index if exists "customers_tenant_id_external_id_unique";`);
    this.addSql(`alter table "customers" drop column "external_id", drop column "signal_flagged_at";`);
    this.addSql(`drop table if exists "signal_matches";`);
    this.addSql(`drop table if exists "signal_rules";`);
  }
}
