import { Migration } from '@mikro-orm/migrations';

/**
 * Report aggregates read closed deals and done visits by owner and date: a manager's team is a
 * handful of index range scans, an organisation report one range over the tenant.
 */
export class Migration20261126231000_report_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "opportunities_closed_by_owner_index" on "opportunities" ("tenant_id", "owner_id", "closed_at") where "stage" in ('won', 'lost');`);
    this.addSql(`create index "opportunities_closed_index" on "opportunities" ("tenant_id", "closed_at") where "stage" in ('won', 'lost');`);
    this.addSql(`create index "interactions_done_by_user_index" on "interactions" ("tenant_id", "user_id", "occurred_at") where "status" = 'done';`);
    this.addSql(`create index "interactions_done_index" on "interactions" ("tenant_id", "occurred_at") where "status" = 'done';`);
  }

  override async down(): Promise<void> {
    for (const name of ['opportunities_closed_by_owner_index', 'opportunities_closed_index', 'interactions_done_by_user_index', 'interactions_done_index']) this.addSql(`drop index if exists "${name}";`);
  }
}
