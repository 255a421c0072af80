import { Migration } from '@mikro-orm/migrations';

export class Migration20261126174604_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_log" ("id" bigserial primary key, "tenant_id" uuid not null, "actor_user_id" uuid null, "actor_label" varchar(100) not null, "action" varchar(100) not null, "entity_type" varchar(50) not null, "entity_id" varchar(64) not null, "before" jsonb null, "after" jsonb null, "at" timestamptz not null);`);
    this.addSql(`create index "audit_log_tenant_id_entity_type_entity_id_index" on "audit_log" ("tenant_id", "entity_type", "entity_id");`);
    this.addSql(`create index "audit_log_tenant_id_at_index" on "audit_log" ("tenant_id", "at");`);

    this.addSql(`create table "customers" ("id" uuid not null, "tenant_id" uuid not null, "name" varchar(200) not null, "search_name" varchar(200) not null, "contacts" jsonb not null default '[]', "phone" varchar(50) null, "email" varchar(254) null, "website" varchar(200) null, "address" text null, "region" varchar(100) null, "industry" varchar(100) null, "company_size" varchar(50) null, "source" varchar(100) null, "tags" jsonb not null default '[]', "tier" text check ("tier" in ('A', 'B', 'C')) null, "key_account" boolean not null default false, "owner_id" uuid null, "last_interaction_at" timestamptz null, "created_by" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "customers_pkey" primary key ("id"));`);
    this.addSql(`create index "customers_tenant_id_owner_id_index" on "customers" ("tenant_id", "owner_id");`);
    this.addSql(`create index "customers_tenant_id_search_name_index" on "customers" ("tenant_id", "search_name");`);

    this.addSql(`create table "interactions" ("id" uuid not null, "tenant_id" uuid not null, "customer_id" uuid not null, "user_id" uuid not null, "opportunity_id" uuid null, "type" text check ("type" in ('visit', 'call', 'email', 'meeting')) not null default 'visit', "status" text check ("status" in ('planned', 'done', 'cancelled')) not null, "scheduled_at" timestamptz null, "occurred_at" timestamptz null, "place" varchar(300) null, "purpose" text null, "outcome" text check ("outcome" in ('met', 'partly', 'not_met')) null, "notes" text null, "problems" text null, "next_step" text null, "follow_up_date" date null, "cost" numeric(14,2) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "interactions_pkey" primary key ("id"));`);
    this.addSql(`create index "interactions_tenant_id_customer_id_occurred_at_index" on "interactions" ("tenant_id", "customer_id", "occurred_at");`);
    this.addSql(`create index "interactions_tenant_id_user_id_status_scheduled_at_index" on "interactions" ("tenant_id", "user_id", "status", "scheduled_at");`);

    this.addSql(`create table "opportunities" ("id" uuid not null, "tenant_id" uuid not null, "customer_id" uuid not null, "owner_id" uuid not null, "title" varchar(200) not null, "amount" numeric(14,2) not null, "currency" varchar(3) not null, "expected_close_date" date null, "stage" text check ("stage" in ('initial_contact', 'solution', 'quote', 'negotiation', 'won', 'lost')) not null default 'initial_contact', "stage_changed_at" timestamptz not null, "probability" int not null, "score_inputs" jsonb not null default '{}', "score" int null, "next_step" text null, "lost_reason" text null, "closed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "opportunities_pkey" primary key ("id"));`);
    this.addSql(`create index "opportunities_tenant_id_owner_id_stage_index" on "opportunities" ("tenant_id", "owner_id", "stage");`);
    this.addSql(`create index "opportunities_tenant_id_customer_id_index" on "opportunities" ("tenant_id", "customer_id");`);

    this.addSql(`create table "org_units" ("id" uuid not null, "tenant_id" uuid not null, "parent_id" uuid null, "name" varchar(100) not null, "name_path" text not null, "id_path" text not null, "manager_id" uuid null, "created_at" timestamptz not null, constraint "org_units_pkey" primary key ("id"));`);
    this.addSql(`create index "org_units_tenant_id_id_path_index" on "org_units" ("tenant_id", "id_path");`);
    this.addSql(`alter table "org_units" add constraint "org_units_tenant_id_name_path_unique" unique ("tenant_id", "name_path");`);

    this.addSql(`create table "opportunity_stage_changes" ("id" uuid not null, "tenant_id" uuid not null, "opportunity_id" uuid not null, "from_stage" text check ("from_stage" in ('initial_contact', 'solution', 'quote', 'negotiation', 'won', 'lost')) null, "to_stage" text check ("to_stage" in ('initial_contact', 'solution', 'quote', 'negotiation', 'won', 'lost')) not null, "changed_by" uuid null, "note" text null, "changed_at" timestamptz not null, constraint "opportunity_stage_changes_pkey" primary key ("id"));`);
    this.addSql(`create index "opportunity_stage_changes_opportunity_id_changed_at_index" on "opportunity_stage_changes" ("opportunity_id", "changed_at");`);

    this.addSql(`create table "tenants" ("id" uuid not null, "slug" varchar(63) not null, "name" varchar(200) not null, "slack_team_id" varchar(32) null, "teams_tenant_id" varchar(64) null, "default_locale" varchar(10) not null default 'en', "default_timezone" varchar(64) not null default 'UTC', "default_currency" varchar(3) not null default 'USD', "created_at" timestamptz not null, constraint "tenants_pkey" primary key ("id"));`);
    this.addSql(`alter table "tenants" add constraint "tenants_slug_unique" unique ("slug");`);
    this.addSql(`alter table "tenants" add constraint "tenants_slack_team_id_unique" unique ("slack_team_id");`);
    this.addSql(`alter table "tenants" add constraint "tenants_teams_tenant_id_unique" unique ("teams_tenant_id");`);

    this.addSql(`create table "users" ("id" uuid not null, "tenant_id" uuid not null, "email" varchar(254) null, "name" varchar(200) not null, "role" text check ("role" in ('rep', 'manager', 'admin')) not null default 'rep', "org_unit_id" uuid null, "locale" varchar(10) not null default 'en', "timezone" varchar(64) not null default 'UTC', "slack_team_id" varchar(32) null, "slack_user_id" varchar(32) null, "teams_tenant_id" varchar(64) null, "teams_aad_object_id" varchar(64) null, "reminder_lead_minutes" int not null default 30, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`);
    this.addSql(`create index "users_tenant_id_org_unit_id_index" on "users" ("tenant_id", "org_unit_id");`);
    this.addSql(`alter table "users" add constraint "users_tenant_id_email_unique" unique ("tenant_id", "email");`);
    this.addSql(`alter table "users" add constraint "users_tenant_id_slack_user_id_unique" unique ("tenant_id", "slack_user_id");`);
    this.addSql(`alter table "users" add constraint "users_tenant_id_teams_aad_object_id_unique" unique ("tenant_id", "teams_aad_object_id");`);

    // Foreign keys are added by hand: entities keep plain id columns (no ORM relations) so that
    // permission filters and aggregates stay explicit SQL-shaped queries.
    const fk = (table: string, column: string, target: string, onDelete = 'restrict') =>
      this.addSql(`alter table "${table}" add constraint "${table}_${column}_fk" foreign key ("${column}") references "${target}" ("id") on delete ${onDelete};`);
    fk('org_units', 'tenant_id', 'tenants', 'cascade');
    fk('org_units', 'parent_id', 'org_units', 'cascade');
    fk('users', 'tenant_id', 'tenants', 'cascade');
    fk('users', 'org_unit_id', 'org_units', 'set null');
    fk('org_units', 'manager_id', 'users', 'set null');
    fk('customers', 'tenant_id', 'tenants', 'cascade');
    fk('customers', 'owner_id', 'users', 'set null');
    fk('interactions', 'tenant_id', 'tenants', 'cascade');
    fk('interactions', 'customer_id', 'customers', 'cascade');
    fk('interactions', 'user_id', 'users');
    fk('interactions', 'opportunity_id', 'opportunities', 'set null');
    fk('opportunities', 'tenant_id', 'tenants', 'cascade');
    fk('opportunities', 'customer_id', 'customers', 'cascade');
    fk('opportunities', 'owner_id', 'users');
    fk('opportunity_stage_changes', 'opportunity_id', 'opportunities', 'cascade');
    fk('audit_log', 'tenant_id', 'tenants', 'cascade');
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_log" cascade;`);

    this.addSql(`drop table if exists "customers" cascade;`);

    this.addSql(`drop table if exists "interactions" cascade;`);

    this.addSql(`drop table if exists "opportunities" cascade;`);

    this.addSql(`drop table if exists "org_units" cascade;`);

    this.addSql(`drop table if exists "opportunity_stage_changes" cascade;`);

    this.addSql(`drop table if exists "tenants" cascade;`);

    this.addSql(`drop table if exists "users" cascade;`);
  }

}
