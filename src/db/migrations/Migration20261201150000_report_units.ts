import { Migration } from '@mikro-orm/migrations';

/**
 * History stays where it happened: each done interaction keeps the unit its person was in when it
 * was done, and each closed deal the unit its owner was in when it closed. A rep who moves unit
 * takes their customers and open deals along, but last month's team figures stay as they were.
 * Stamped by triggers, so every way a row is written (use cases, imports, the demo seed) keeps it;
 * rows from before are stamped with today's unit, the best that is known.
 */
export class Migration20261201150000_report_units extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "interactions" add column "unit_id" uuid null;`);
    this.addSql(`alter table "opportunities" add column "closed_unit_id" uuid null;`);
    this.addSql(`create function stamp_interaction_unit() returns trigger language plpgsql as $$
      begin
        if new.status = 'done' and (tg_op = 'INSERT' or old.status is distinct from 'done') then
          new.unit_id := (select org_unit_id from users where id = new.user_id);
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger interactions_stamp_unit before insert or update of status on "interactions" for each row execute function stamp_interaction_unit();`);
    this.addSql(`create function stamp_deal_unit() returns trigger language plpgsql as $$
      begin
        if new.stage in ('won', 'lost') and (tg_op = 'INSERT' or old.stage not in ('won', 'lost')) then
          new.closed_unit_id := (select org_unit_id from users where id = new.owner_id);
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger opportunities_stamp_unit before insert or update of stage on "opportunities" for each row execute function stamp_deal_unit();`);
    this.addSql(`update "interactions" i set "unit_id" = u."org_unit_id" from "users" u where u."id" = i."user_id" and i."status" = 'done';`);
    this.addSql(`update "opportunities" o set "closed_unit_id" = u."org_unit_id" from "users" u where u."id" = o."owner_id" and o."stage" in ('won', 'lost');`);
    // A team's report reads its units' history: one range per unit, as the per-owner indexes do for reps.
    this.addSql(`create index "opportunities_closed_by_unit_index" on "opportunities" ("tenant_id", "closed_unit_id", "closed_at") where "stage" in ('won', 'lost');`);
    this.addSql(`create index "interactions_done_by_unit_index" on "interactions" ("tenant_id", "unit_id", "occurred_at") where "status" = 'done';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists interactions_stamp_unit on "interactions";`);
    this.addSql(`drop trigger if exists opportunities_stamp_unit on "opportunities";`);
    this.addSql(`drop function if exists stamp_interaction_unit();`);
    this.addSql(`drop function if exists stamp_deal_unit();`);
    this.addSql(`alter table "interactions" drop column if exists "unit_id";`);
    this.addSql(`alter table "opportunities" drop column if exists "closed_unit_id";`);
  }
}
