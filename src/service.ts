import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import type { Config } from './config';
import { migrate, openOrm, type MikroORM } from './db/orm';
import { createHttpApp, errorHandler } from './http/create-http-app';
import { checkReadiness } from './http/readiness';
import { SlackClients } from './bots/slack/slack-clients';
import { SlackCommandRunner } from './bots/slack/slack-command-runner';
import { SlackNotifier } from './bots/slack/slack-notifier';
import { mountQueueDashboard } from './http/queue-dashboard';
import { ChatNotifier } from './jobs/chat-notifier';
import { unconfiguredNotifier, type Notifier } from './jobs/notifier';
import { JobQueues } from './jobs/queues';
import { startWorker, type RunningWorker, type WorkerDeps } from './jobs/worker';
import type { Logger } from './logger';

export type Service = {
  orm: MikroORM;
  redis: Redis;
  server?: Server;
  /** The job worker, in the worker and all roles. */
  worker?: RunningWorker;
  /** The port actually bound (PORT=0 picks a free one, which tests use). */
  port?: number;
  stop: () => Promise<void>;
};

/** A component started by the service that must finish its work before the stores close. */
type Stoppable = { name: string; stop: () => Promise<void> };

/**
 * Starts the role the config asks for. `web` serves HTTP (health, bots); `worker` runs jobs;
 * `all` does both in one process. Migrations run first, so a fresh database just works.
 */
export async function startService(config: Config, logger: Logger): Promise<Service> {
  const orm = await openOrm(config.databaseUrl);
  const applied = await migrate(orm);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  // Producers and readiness fail fast; workers get their own blocking connections later.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));

  let shuttingDown = false;
  const stoppables: Stoppable[] = [];
  let server: Server | undefined;
  let inFlightIdle: (() => Promise<void>) | undefined;

  if (config.role === 'web' || config.role === 'all') {
    const { app, inFlight } = createHttpApp({ logger, readiness: () => checkReadiness(orm, redis), isShuttingDown: () => shuttingDown });
    inFlightIdle = inFlight.idle;
    // The web side of the queues: the dashboard, and writing commands handed to the worker.
    const queues = new JobQueues(config.redisUrl, config.jobs.queuePrefix, logger);
    // Without Redis a graceful close would wait for it forever.
    stoppables.push({ name: 'queues', stop: () => Promise.race([queues.close(), delay(2000)]).finally(() => queues.connection.disconnect()) });
    if (config.adminPassword) mountQueueDashboard(app, { password: config.adminPassword, queues: queues.all() });
    // Loaded only here: a worker-only process never needs Bolt.
    const { startSlackBot } = require('./bots/slack/slack-bot') as typeof import('./bots/slack/slack-bot');
    const slack = await startSlackBot({ config, orm, logger, http: app, queues });
    if (slack) stoppables.push({ name: 'slack', stop: slack.stop });
    else logger.info('Slack bot disabled: set SLACK_SIGNING_SECRET with SLACK_BOT_TOKEN (or the SLACK_CLIENT_* OAuth variables) to enable it');
    // Teams AI is large (about 140 MB, a second to load): only when Teams is configured.
    const teams = config.teams.appId || config.teams.devMode
      ? await (require('./bots/teams/teams-bot') as typeof import('./bots/teams/teams-bot')).startTeamsBot({ config, orm, logger, http: app, queues })
      : null;
    if (teams) stoppables.push({ name: 'teams', stop: teams.stop });
    else logger.info('Teams bot disabled: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (or TEAMS_DEV_MODE=true locally) to enable it');
    app.use(errorHandler(logger));
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.port, () => resolve(s));
      s.once('error', reject);
    });
    logger.info({ port: addressPort(server), role: config.role }, 'http server listening');
  }
  let worker: RunningWorker | undefined;
  if (config.role === 'worker' || config.role === 'all') {
    const slackClients = config.slack.botToken || config.slack.oauth ? new SlackClients({ orm, slack: config.slack, encryptionKey: config.encryptionKey }) : undefined;
    worker = await startWorker({
      config,
      orm,
      logger,
      notifier: (tools) => createNotifier(config, orm, logger, tools, slackClients),
      commands: slackClients
        ? new SlackCommandRunner({ identity: { orm, adminUserIds: config.slack.adminUserIds }, clients: slackClients, logger: logger.child({ component: 'slack-commands' }) })
        : undefined,
    });
    stoppables.push({ name: 'worker', stop: worker.stop });
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      shuttingDown = true;
      logger.info('shutting down: finishing in-flight work');
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.race([inFlightIdle?.(), delay(10_000)]);
        server.closeAllConnections();
        await closed;
      }
      for (const s of stoppables.reverse()) {
        await s.stop().catch((err: Error) => logger.error({ err, component: s.name }, 'component failed to stop cleanly'));
      }
      redis.disconnect();
      await orm.close(true);
      logger.info('shutdown complete');
    })());

  return { orm, redis, server, worker, port: server ? addressPort(server) : undefined, stop };
}

/** Slack when it is configured (the Teams notifier joins here); otherwise deliveries are dead-lettered with the reason. */
function createNotifier(config: Config, orm: MikroORM, logger: Logger, tools: Parameters<WorkerDeps['notifier']>[0], clients?: SlackClients): Notifier {
  const slack = clients ? new SlackNotifier({ orm, slack: config.slack, encryptionKey: config.encryptionKey, clients, ...tools, logger: logger.child({ component: 'slack-notifier' }) }) : undefined;
  let teams: Notifier | undefined;
  if (config.teams.appId || config.teams.devMode) {
    // Loaded only when Teams is configured: the Bot Framework libraries are large.
    const { TeamsNotifier } = require('./bots/teams/teams-notifier') as typeof import('./bots/teams/teams-notifier');
    teams = new TeamsNotifier({ orm, teams: config.teams, ledger: tools.ledger, pacer: tools.pacer, logger: logger.child({ component: 'teams-notifier' }) });
  }
  if (!slack && !teams) {
    logger.warn('no chat platform configured: reminders and nudges will be dead-lettered');
    return unconfiguredNotifier;
  }
  return new ChatNotifier(orm, { slack, teams });
}

const addressPort = (server: Server): number => {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
};

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
