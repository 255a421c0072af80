import { Migration } from '@mikro-orm/migrations';

/**
 * Scoring and stage guidance. Per tenant: scoring settings (weights in whole percentages, the
 * score → win-probability curve, priority bands) and admins' own exit checklists, both JSON with
 * `{}` meaning "the defaults". Per deal: the win probability read off the curve, the points
 * behaviour signals add to the score, and the checklist ticks per stage. Per stage change: the
 * checklist items that were not done when the deal moved on.
 *
 * Deals scored before this migration get their win probability from the default curve
 * (0→5, 50→35, 80→70, 100→90), the same rounding as the code (half up).
 */
export class Migration20261202110000_scoring_checklists extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "tenants" add column "scoring_settings" jsonb not null default '{}', add column "stage_checklists" jsonb not null default '{}';`);
    this.addSql(`alter table "opportunities" add column "win_probability" int null, add column "signal_boost" int not null default 0, add column "checklist_ticks" jsonb not null default '{}';`);
    this.addSql(`alter table "opportunity_stage_changes" add column "skipped_items" jsonb null;`);
    this.addSql(`update "opportunities" set "win_probability" = case
        when "score" <= 50 then floor((2 * (5 * 50 + 30 * "score") + 50) / 100.0)
        when "score" <= 80 then floor((2 * (35 * 30 + 35 * ("score" - 50)) + 30) / 60.0)
        else floor((2 * (70 * 20 + 20 * ("score" - 80)) + 20) / 40.0) end
      where "score" is not null;`);
    // /opp lists open deals by priority: the score first.
    this.addSql(`create index "opportunities_open_by_score" on "opportunities" ("tenant_id", "owner_id", "score" desc nulls last) where "stage" in ('initial_contact', 'solution', 'quote', 'negotiation');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "opportunities_open_by_score";`);
    this.addSql(`alter table "opportunity_stage_changes" drop column if exists "skipped_items";`);
    this.addSql(`alter table "opportunities" drop column if exists "win_probability", drop column if exists "signal_boost", drop column if exists "checklist_ticks";`);
    this.addSql(`alter table "tenants" drop column if exists "scoring_settings", drop column if exists "stage_checklists";`);
  }
}
