import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { MikroORM } from '../../db/orm';
import type { SecretBox } from '../../db/secret-box';
import { ensureWorkspaceTenant } from '../../domain/tenants/ensure-workspace-tenant';
import { SlackInstallation } from './slack-installation.entity';

/** Installations in PostgreSQL, tokens sealed with ENCRYPTION_KEY. Fetched on every request. */
export class PostgresInstallationStore implements InstallationStore {
  constructor(
    private readonly orm: MikroORM,
    private readonly box: SecretBox,
    /** Called after a new install so the installer can be made an admin. */
    private readonly onInstalled?: (installation: Installation, tenantId: string) => Promise<void>,
  ) {}

  async storeInstallation(installation: Installation): Promise<void> {
    const em = this.orm.em.fork();
    const isEnterprise = installation.isEnterpriseInstall === true && !!installation.enterprise;
    const id = isEnterprise ? installation.enterprise!.id : installation.team!.id;
    const tenant = await ensureWorkspaceTenant(em, { platform: 'slack', workspaceId: id, name: (isEnterprise ? installation.enterprise?.name : installation.team?.name) ?? id });
    await em.upsert(SlackInstallation, {
      id,
      tenantId: tenant.id,
      isEnterprise,
      encrypted: this.box.seal(JSON.stringify(installation)),
      installedBy: installation.user?.id ?? null,
      installedAt: new Date(),
      updatedAt: new Date(),
    } as SlackInstallation);
    await this.onInstalled?.(installation, tenant.id);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const id = query.isEnterpriseInstall && query.enterpriseId ? query.enterpriseId : query.teamId;
    const row = id ? await this.orm.em.fork().findOne(SlackInstallation, { id }) : null;
    if (!row) throw new Error(`no Slack installation for ${id ?? 'unknown workspace'}`);
    return JSON.parse(this.box.open(row.encrypted)) as Installation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const id = query.isEnterpriseInstall && query.enterpriseId ? query.enterpriseId : query.teamId;
    if (id) await this.orm.em.fork().nativeDelete(SlackInstallation, { id });
  }
}
