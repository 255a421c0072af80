import type { App } from '@slack/bolt';
import { publishHome } from './slack-home';
import type { SlackDeps } from './slack-deps';

/** The App Home, and the events that end an installation. */
export function registerEvents(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home' || typeof body.team_id !== 'string' || typeof event.user !== 'string') return;
    await publishHome(deps, client, { workspaceId: body.team_id, userId: event.user });
  });

  const forget = async (body: { team_id?: string; enterprise_id?: string }, why: string) => {
    await deps.installationStore?.deleteInstallation({ teamId: body.team_id, enterpriseId: body.enterprise_id, isEnterpriseInstall: false });
    deps.logger.info({ team: body.team_id }, why);
  };
  app.event('app_uninstalled', async ({ body }) => forget(body, 'Slack app uninstalled: installation removed'));
  app.event('tokens_revoked', async ({ event, body }) => {
    if ((event.tokens.bot ?? []).length > 0) await forget(body, 'Slack bot token revoked: installation removed');
  });
}
