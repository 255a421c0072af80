import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../../config';
import type { MikroORM } from '../../db/orm';
import { SecretBox } from '../../db/secret-box';
import { Tenant } from '../../domain/tenants/tenant.entity';
import { SlackInstallation } from './slack-installation.entity';

/** A Slack target no retry will reach (workspace gone, person not on Slack): dead-lettered. */
export class SlackTargetError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export type SlackClientsOptions = { orm: MikroORM; slack: Config['slack']; encryptionKey?: string };

/**
 * Web API clients for background work, one per bot token: the single-workspace SLACK_BOT_TOKEN,
 * or the tenant's OAuth installation. The caller (a job) decides about retries, so the client
 * never retries or waits out a 429 itself.
 */
export class SlackClients {
  private readonly clients = new Map<string, WebClient>();
  private readonly tokens = new Map<string, { token: string; until: number }>();
  private readonly box?: SecretBox;

  constructor(private readonly opts: SlackClientsOptions) {
    if (opts.slack.oauth && opts.encryptionKey) this.box = new SecretBox(opts.encryptionKey);
  }

  async clientFor(tenantId: string): Promise<WebClient> {
    const token = await this.tokenFor(tenantId);
    let client = this.clients.get(token);
    if (!client) {
      client = new WebClient(token, {
        slackApiUrl: this.opts.slack.apiUrl,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
        timeout: 10_000,
        logLevel: LogLevel.ERROR,
      });
      this.clients.set(token, client);
    }
    return client;
  }

  private async tokenFor(tenantId: string): Promise<string> {
    const cached = this.tokens.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.token;
    const em = this.opts.orm.em.fork();
    let token: string | undefined;
    if (this.opts.slack.oauth && this.box) {
      const row = await em.findOne(SlackInstallation, { tenantId });
      token = row ? (JSON.parse(this.box.open(row.encrypted)) as { bot?: { token?: string } }).bot?.token : undefined;
    } else if (this.opts.slack.botToken) {
      const tenant = await em.findOne(Tenant, { id: tenantId });
      token = tenant?.slackTeamId ? this.opts.slack.botToken : undefined;
    }
    if (!token) throw new SlackTargetError('workspace_not_connected');
    // Re-read now and then: an uninstall or a reinstall changes the token.
    this.tokens.set(tenantId, { token, until: Date.now() + 60_000 });
    return token;
  }
}
