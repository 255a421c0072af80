import type { Config } from '../config';
import type { MikroORM } from '../db/orm';
import type { Logger } from '../logger';
import type { Enqueue, Platform } from './pipeline/context';
import { ChatPipeline } from './pipeline/pipeline';
import { QueuedCommandRunner, type PlatformWiring } from './pipeline/queued-command';
import { SlackClients } from './slack/slack-clients';
import { SlackDirectory } from './slack/slack-directory';
import { SlackResponder } from './slack/slack-responder';

export type ChatLayer = { pipeline: ChatPipeline; runner: QueuedCommandRunner; slackClients?: SlackClients };

/**
 * The chat layer as the service starts it: one pipeline for both bots, and for each configured
 * platform how to identify people and where answers to queued commands go. Web and worker
 * processes run queued commands the same way.
 */
export function createChatLayer(deps: { config: Config; orm: MikroORM; logger: Logger; enqueue?: Enqueue }): ChatLayer {
  const { config, orm, logger } = deps;
  const pipeline = new ChatPipeline({ orm, logger: logger.child({ component: 'chat' }), enqueue: deps.enqueue, answerClaimStaleMs: config.jobs.lockMs, encryptionKey: config.encryptionKey });
  const platforms: Partial<Record<Platform, PlatformWiring>> = {};
  const slackClients = config.slack.botToken || config.slack.oauth ? new SlackClients({ orm, slack: config.slack, encryptionKey: config.encryptionKey }) : undefined;
  if (slackClients) {
    platforms.slack = { directory: new SlackDirectory(config.slack.adminUserIds, (tenantId) => slackClients.clientFor(tenantId)), responder: new SlackResponder(slackClients) };
  }
  if (config.teams.appId || config.teams.devMode) {
    // Loaded only when Teams is configured: the Bot Framework libraries are large.
    const { teamsAdapter } = require('./teams/teams-bot') as typeof import('./teams/teams-bot');
    const { TeamsDirectory } = require('./teams/teams-directory') as typeof import('./teams/teams-directory');
    const { TeamsResponder } = require('./teams/teams-responder') as typeof import('./teams/teams-responder');
    platforms.teams = { directory: new TeamsDirectory(orm), responder: new TeamsResponder(teamsAdapter(config.teams), config.teams.appId ?? '', logger.child({ component: 'teams' })) };
  }
  return { pipeline, runner: new QueuedCommandRunner(pipeline, platforms, logger.child({ component: 'chat-commands' })), slackClients };
}
