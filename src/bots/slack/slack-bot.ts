import { App, ExpressReceiver, LogLevel, type Installation } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Config } from '../../config';
import type { MikroORM } from '../../db/orm';
import { SecretBox } from '../../db/secret-box';
import { registerChatUser } from '../../domain/org/register-chat-user';
import { ensureWorkspaceTenant } from '../../domain/tenants/ensure-workspace-tenant';
import type { CommandIntake } from '../../jobs/command-intake';
import type { Logger } from '../../logger';
import type { ChatPipeline } from '../pipeline/pipeline';
import { PostgresInstallationStore } from './installation-store';
import { registerActions } from './register-actions';
import { registerCommands } from './register-commands';
import { registerEvents } from './register-events';
import { registerOptions } from './register-options';
import { registerViews } from './register-views';
import { learnLocaleOf, SlackDirectory, slackTenantOf } from './slack-directory';
import type { SlackDeps } from './slack-deps';

export type SlackBot = { app: App; stop: () => Promise<void> };

const maxClockSkewSeconds = 5 * 60;

/**
 * Bolt checks the signature and rejects old requests; it does not reject requests from the far
 * future, which a replay with a forged clock would be. This runs first and refuses both.
 */
export function timestampWindow(req: Request, res: Response, next: NextFunction): void {
  const ts = Number(req.header('x-slack-request-timestamp'));
  if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > maxClockSkewSeconds) {
    res.status(401).send();
    return;
  }
  next();
}

/**
 * Mounts the Slack bot on the service's express app at POST /slack/events (and the OAuth routes
 * in multi-workspace mode). Returns null when Slack is not configured.
 */
export async function startSlackBot(deps: { config: Config; orm: MikroORM; logger: Logger; http: Express; pipeline: ChatPipeline; intake?: CommandIntake }): Promise<SlackBot | null> {
  const { config, orm, logger, http } = deps;
  const slack = config.slack;
  if (!slack.signingSecret || (!slack.botToken && !slack.oauth)) return null;
  const log = logger.child({ component: 'slack' });

  http.post('/slack/events', timestampWindow);
  const clientOptions = { slackApiUrl: slack.apiUrl, retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 } };
  const installationStore = slack.oauth
    ? new PostgresInstallationStore(orm, new SecretBox(config.encryptionKey!), (installation, tenantId) => makeInstallerAdmin(orm, installation, tenantId, slack.apiUrl))
    : undefined;
  const receiver = slackReceiver(config, http, installationStore);
  const app = new App({
    receiver,
    ...(slack.oauth ? {} : { token: slack.botToken }),
    clientOptions,
    // No conversation state is kept between requests; Bolt's store would cost every request a lookup.
    convoStore: false,
    deferInitialization: true,
    logLevel: LogLevel.WARN,
  });
  app.error(async (err) => {
    log.error({ err: err.message, code: (err as { code?: string }).code }, 'slack listener failed');
  });
  await app.init();

  if (slack.oauth) log.info('Slack bot enabled (multi-workspace OAuth: install at /slack/install)');
  else await ensureSingleWorkspace(app, orm, slack.botToken!, log);

  const listeners: SlackDeps = {
    pipeline: deps.pipeline,
    directory: (client) => new SlackDirectory(slack.adminUserIds, () => client),
    tenantIdOf: async (teamId) => (await slackTenantOf(orm.em.fork(), teamId))?.id ?? null,
    learnLocale: (teamId, userId) => learnLocaleOf(orm.em.fork(), teamId, userId),
    intake: deps.intake,
    logger: log,
    installationStore,
  };
  for (const register of [registerCommands, registerActions, registerViews, registerOptions, registerEvents]) register(app, listeners);
  return { app, stop: async () => {} };
}

/** Bolt's receiver on the service's own express app: signature checks, and the OAuth routes in multi-workspace mode. */
function slackReceiver(config: Config, http: Express, installationStore?: PostgresInstallationStore): ExpressReceiver {
  const slack = config.slack;
  return new ExpressReceiver({
    signingSecret: slack.signingSecret!,
    app: http,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logLevel: LogLevel.WARN,
    ...(slack.oauth
      ? {
          clientId: slack.oauth.clientId,
          clientSecret: slack.oauth.clientSecret,
          stateSecret: slack.oauth.stateSecret,
          installationStore,
          scopes: botScopes,
          installerOptions: {
            installPath: '/slack/install',
            redirectUriPath: '/slack/oauth_redirect',
            directInstall: true,
            clientOptions: { slackApiUrl: slack.apiUrl },
            ...(config.publicUrl ? { redirectUri: `${config.publicUrl}/slack/oauth_redirect` } : {}),
          },
        }
      : {}),
  });
}

export const botScopes = ['commands', 'chat:write', 'im:write', 'im:history', 'users:read', 'users:read.email', 'files:write', 'channels:read', 'groups:read'];

/** Single-workspace mode: the token says which workspace this is; make sure it has a tenant. */
async function ensureSingleWorkspace(app: App, orm: MikroORM, token: string, log: Logger): Promise<void> {
  const auth = await app.client.auth.test({ token });
  const tenant = await ensureWorkspaceTenant(orm.em.fork(), { platform: 'slack', workspaceId: auth.team_id!, name: auth.team ?? auth.team_id!, slugHint: auth.url ? new URL(auth.url).hostname.split('.')[0] : undefined });
  log.info({ team: auth.team_id, tenant: tenant.slug }, 'Slack bot enabled (single workspace)');
}

/** The person who installed the app is the workspace's first admin. */
async function makeInstallerAdmin(orm: MikroORM, installation: Installation, tenantId: string, slackApiUrl?: string): Promise<void> {
  const userId = installation.user?.id;
  const teamId = installation.team?.id ?? installation.enterprise?.id;
  const token = installation.bot?.token;
  if (!userId || !teamId || !token) return;
  const em = orm.em.fork();
  const client = new WebClient(token, { slackApiUrl });
  const info = await client.users.info({ user: userId, include_locale: true }).catch(() => null);
  const user = await registerChatUser(em, tenantId, { platform: 'slack', teamId, userId }, {
    name: info?.user?.real_name || info?.user?.name || userId,
    email: info?.user?.profile?.email ?? null,
    locale: info?.user?.locale?.startsWith('zh') ? 'zh-CN' : 'en',
    timezone: info?.user?.tz || 'UTC',
    role: 'admin',
  });
  if (user.role !== 'admin') {
    user.role = 'admin';
    await em.flush();
  }
}
