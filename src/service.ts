import type { Server } from 'node:http';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import type { Config } from './config';
import { migrate, openOrm, type MikroORM } from './db/orm';
import { createHttpApp, errorHandler } from './http/create-http-app';
import { checkReadiness } from './http/readiness';
import { createChatLayer, type ChatLayer } from './bots/chat-layer';
import type { SlackClients } from './bots/slack/slack-clients';
import { SlackNotifier } from './bots/slack/slack-notifier';
import { mountMetrics } from './http/metrics-endpoint';
import { mountQueueDashboard } from './http/queue-dashboard';
import { ChatNotifier } from './jobs/chat-notifier';
import { unconfiguredNotifier, type Notifier } from './jobs/notifier';
import { CommandIntake, defaultIntakeOptions } from './jobs/command-intake';
import { JobQueues, redisConnection } from './jobs/queues';
import { mountSignalsApi } from './http/signals-endpoint';
import { startWorker, type RunningWorker, type WorkerDeps } from './jobs/worker';
import type { Logger } from './logger';
import { playgroundWanted, startPlayground, type Playground } from './playground/playground';

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
export async function startService(given: Config, logger: Logger): Promise<Service> {
  const orm = await openOrm(given.databaseUrl, given.databasePoolMax);
  const applied = await migrate(orm);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  // No Slack app configured, in development: the bot runs against the playground's workspace.
  const playground = playgroundWanted(given) ? await startPlayground(given, orm, logger) : undefined;
  const config: Config = playground ? { ...given, slack: playground.slack, host: given.host ?? '127.0.0.1' } : given;

  // Producers and readiness fail fast; workers get their own blocking connections later.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));

  const state = { shuttingDown: false };
  const stoppables: Stoppable[] = [];
  // The web side of the queues: the dashboard, and writing commands handed to the worker.
  const queues = config.role === 'worker' ? undefined : new JobQueues(config.redisUrl, config.jobs.queuePrefix, logger);
  // Without Redis a graceful close would wait for it forever.
  if (queues) stoppables.push({ name: 'queues', stop: () => Promise.race([queues.close(), delay(2000)]).finally(() => queues.connection.disconnect()) });
  const chat = createChatLayer({ config, orm, logger, enqueue: queues ? (job, data) => queues.addSoon(job, data) : undefined });
  const web = queues ? await startWeb({ config, orm, redis, logger, queues, chat, stoppables, playground, isShuttingDown: () => state.shuttingDown }) : undefined;
  let worker: RunningWorker | undefined;
  let opsServer: Server | undefined;
  if (config.role === 'worker' || config.role === 'all') {
    worker = await startWorker({ config, orm, logger, notifier: (tools) => createNotifier(config, orm, logger, tools, chat.slackClients), commands: chat.runner });
    // A worker-only process still answers probes and scrapes; closed after the worker has drained.
    if (!web) opsServer = await startOpsServer({ config, orm, redis, logger, worker, stoppables, isShuttingDown: () => state.shuttingDown });
    stoppables.push({ name: 'worker', stop: worker.stop });
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      state.shuttingDown = true;
      logger.info('shutting down: finishing in-flight work');
      // Its live streams never finish on their own: ended first, so in-flight work can drain.
      await playground?.stop();
      await web?.close();
      for (const s of stoppables.reverse()) {
        await s.stop().catch((err: Error) => logger.error({ err, component: s.name }, 'component failed to stop cleanly'));
      }
      redis.disconnect();
      await orm.close(true);
      logger.info('shutdown complete');
    })());

  const server = web?.server ?? opsServer;
  return { orm, redis, server, worker, port: server ? addressPort(server) : undefined, stop };
}

type WebDeps = { config: Config; orm: MikroORM; redis: Redis; logger: Logger; queues: JobQueues; chat: ChatLayer; stoppables: Stoppable[]; playground?: Playground; isShuttingDown: () => boolean };

/** The web role: health, the queue dashboard and both bots on one HTTP server. */
async function startWeb(deps: WebDeps): Promise<{ server: Server; close: () => Promise<void> }> {
  const { config, orm, logger, queues, chat, stoppables } = deps;
  const { app, inFlight } = createHttpApp({ logger, readiness: () => checkReadiness(orm, deps.redis, ['postgres']), isShuttingDown: deps.isShuttingDown });
  if (config.adminPassword) mountQueueDashboard(app, { password: config.adminPassword, queues: queues.all() });
  const metrics = mountMetrics(app, { token: config.metricsToken, queues: () => queues.all(), orm });
  stoppables.push({ name: 'metrics', stop: async () => metrics.unwatch() });
  // External systems' signals: their own body parser, rate limits and replay memory in Redis.
  const signalsRedis = redisConnection(config.redisUrl, 'state', logger);
  stoppables.push({ name: 'signals', stop: async () => signalsRedis.disconnect() });
  mountSignalsApi(app, {
    orm, logger: logger.child({ component: 'signals' }), redis: signalsRedis, enqueue: (job, data, options) => queues.addSoon(job, data, { waitMs: 250, ...options }),
    encryptionKey: config.encryptionKey, redisPrefix: config.jobs.queuePrefix, limits: config.signals,
  });
  // A queued command this process kept in PostgreSQL (Redis did not answer) is run here at once.
  const intake = new CommandIntake(queues, orm, logger, (command) => chat.runner.run(command, { final: false }), { ...defaultIntakeOptions, takeoverMs: config.jobs.lockMs });
  // Loaded only here: a worker-only process never needs Bolt.
  const { startSlackBot } = require('./bots/slack/slack-bot') as typeof import('./bots/slack/slack-bot');
  const slack = await startSlackBot({ config, orm, logger, http: app, pipeline: chat.pipeline, intake });
  if (slack) stoppables.push({ name: 'slack', stop: slack.stop });
  else logger.info('Slack bot disabled: set SLACK_SIGNING_SECRET with SLACK_BOT_TOKEN (or the SLACK_CLIENT_* OAuth variables) to enable it');
  // Teams AI is large (about 140 MB, a second to load): only when Teams is configured.
  const teams = config.teams.appId || config.teams.devMode
    ? await (require('./bots/teams/teams-bot') as typeof import('./bots/teams/teams-bot')).startTeamsBot({ config, orm, logger, http: app, pipeline: chat.pipeline, intake })
    : null;
  if (teams) stoppables.push({ name: 'teams', stop: teams.stop });
  else logger.info('Teams bot disabled: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (or TEAMS_DEV_MODE=true locally) to enable it');
  deps.playground?.mount(app);
  app.use(errorHandler(logger));
  const server = await listen(app, config, logger);
  if (deps.playground) logger.info(`playground: open http://localhost:${addressPort(server)}/ to use SFA as the demo company's people`);
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([inFlight.idle(), delay(10_000)]);
    server.closeAllConnections();
    await closed;
  };
  return { server, close };
}

const listen = async (app: Express, config: Config, logger: Logger): Promise<Server> => {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = config.host ? app.listen(config.port, config.host, () => resolve(s)) : app.listen(config.port, () => resolve(s));
    s.once('error', reject);
  });
  logger.info({ port: addressPort(server), host: config.host ?? 'all interfaces', role: config.role }, 'http server listening');
  return server;
};

type OpsDeps = { config: Config; orm: MikroORM; redis: Redis; logger: Logger; worker: RunningWorker; stoppables: Stoppable[]; isShuttingDown: () => boolean };

/** The worker role's HTTP side: health, readiness (503 while draining) and metrics, nothing else. */
async function startOpsServer(deps: OpsDeps): Promise<Server> {
  const { config, orm, logger, worker } = deps;
  const { app } = createHttpApp({ logger, readiness: () => checkReadiness(orm, deps.redis), isShuttingDown: deps.isShuttingDown });
  const metrics = mountMetrics(app, { token: config.metricsToken, queues: () => worker.queues.all(), orm });
  app.use(errorHandler(logger));
  const server = await listen(app, config, logger);
  deps.stoppables.push({
    name: 'ops-http',
    stop: async () => {
      metrics.unwatch();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  });
  return server;
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
