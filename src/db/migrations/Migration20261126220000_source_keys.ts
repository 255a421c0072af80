import { Migration } from '@mikro-orm/migrations';

/**
 * What a chat request created carries the request's id (e.g. a Slack trigger id), unique per
 * tenant: a command run again after a worker crash finds its earlier result instead of writing twice.
 */
export class Migration20261126220000_source_keys extends Migration {
  override async up(): Promise<void> {
    for (const table of ['interactions', 'opportunities']) {
      this.addSql(`alter table "${table}" add column "source_key" varchar(100) null;`);
      this.addSql(`create unique index "${table}_tenant_id_source_key_unique" on "${table}" ("tenant_id", "source_key") where "source_key" is not null;`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['interactions', 'opportunities']) this.addSql(`alter table "${table}" drop column "source_key";`);
  }
}
