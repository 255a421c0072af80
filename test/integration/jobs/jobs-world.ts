import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SlackNotifier } from '../../../src/bots/slack/slack-notifier';
import { loadConfig, type Config } from '../../../src/config';
import { Delivery } from '../../../src/domain/deliveries/delivery.entity';
import { OutboxMessage } from '../../../src/domain/outbox/outbox-message.entity';
import type { OrgUnit } from '../../../src/domain/org/org-unit.entity';
import type { Role } from '../../../src/domain/org/user.entity';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import type { Clock } from '../../../src/jobs/clock';
import { startWorker, type RunningWorker } from '../../../src/jobs/worker';
import { createLogger } from '../../../src/logger';
import { startFakeSlack, type FakeCall, type FakeSlack } from '../../support/fake-slack';
import { makeCustomer, makeTenant, makeUser } from '../../support/factories';
import { clearRedis } from '../../support/clear-redis';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

export { clearRedis };

export const slackTeam = { id: 'T0JOBS', name: 'Jobs Co' };

export type JobsWorldOptions = { redisUrl?: string; env?: Record<string, string> };

/**
 * A fresh database, a fake Slack and a queue prefix of its own, so test files never share jobs;
 * workers are started per test (several at once when a test needs them).
 */
export async function startJobsWorld(options: JobsWorldOptions = {}) {
  const db: TestDatabase = await createTestDatabase();
  const fake: FakeSlack = await startFakeSlack({ team: slackTeam });
  const prefix = `sfa-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    SLACK_SIGNING_SECRET: 'test-signing-secret-123',
    SLACK_BOT_TOKEN: 'xoxb-jobs-test',
    SLACK_API_URL: fake.url,
    QUEUE_PREFIX: prefix,
    OUTBOX_POLL_MS: '100',
    OUTBOX_SWEEP_MS: '1000',
    JOB_LOCK_MS: '3000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  };
  const config: Config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const em = (): EntityManager => db.orm.em.fork();
  const tenant: Tenant = await makeTenant(em(), `jobs${randomBytes(3).toString('hex')}`, { slackTeamId: slackTeam.id, defaultTimezone: 'UTC' } as Partial<Tenant>);
  const workers: RunningWorker[] = [];
  let slackIds = 0;

  const world = {
    db,
    fake,
    config,
    env,
    prefix,
    tenant,
    em,
    workers,
    async startWorker(clock?: Clock): Promise<RunningWorker> {
      const worker = await startWorker({
        config,
        orm: db.orm,
        logger,
        clock,
        notifier: (tools) => new SlackNotifier({ orm: db.orm, slack: config.slack, ...tools, logger }),
      });
      workers.push(worker);
      return worker;
    },
    async stopWorkers(): Promise<void> {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    },
    /** A person with a Slack account (a fresh `U…` id), in the tenant. */
    async person(opts: { role?: Role; unit?: OrgUnit | null; locale?: string; timezone?: string; lead?: number; name?: string; manages?: boolean } = {}) {
      const slackUserId = `U${String(++slackIds).padStart(6, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
      const e = em();
      const made = await makeUser(e, tenant, { ...opts, slackUserId });
      if (opts.lead !== undefined) {
        made.user.reminderLeadMinutes = opts.lead;
        await e.flush();
      }
      const customer = await makeCustomer(e, tenant, made.user);
      return { ...made, slackUserId, dmChannel: `D${slackUserId.slice(1)}`, customer };
    },
    /** Messages Slack accepted in a DM channel, oldest first. */
    dms(channel: string): FakeCall[] {
      return fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === channel);
    },
    /** The state of a job in the deliveries queue ('unknown' once removed). */
    async queueState(jobId: string): Promise<string> {
      const worker = workers[0];
      if (!worker) throw new Error('start a worker first');
      return worker.queues.queue('deliveries').getJobState(jobId);
    },
    posted(): FakeCall[] {
      return fake.callsTo('chat.postMessage').filter((c) => c.ok);
    },
    async deliveries() {
      return em().find(Delivery, { tenantId: tenant.id }, { orderBy: { id: 'asc' } });
    },
    async outbox() {
      return em().find(OutboxMessage, { tenantId: tenant.id }, { orderBy: { id: 'asc' } });
    },
    /** Resolves when `check` holds, polling; rejects with `what` after the timeout. */
    async until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (await check()) return;
        await sleep(50);
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    },
    async stop(): Promise<void> {
      await world.stopWorkers();
      await clearRedis(redisUrl, prefix).catch(() => undefined);
      await fake.close();
      await db.drop();
    },
  };
  return world;
}
export type JobsWorld = Awaited<ReturnType<typeof startJobsWorld>>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** All text a Slack message shows (fallback text and every block), for assertions on what users read. */
export function messageText(call: FakeCall): string {
  const parts: string[] = [String(call.args.text ?? '')];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') parts.push(v);
        else walk(v);
      }
    }
  };
  walk(call.args.blocks);
  return parts.join('\n');
}

/** action_id → value of every button in a Slack message. */
export function buttonsOf(call: FakeCall): Array<{ action: string; value: string }> {
  const out: Array<{ action: string; value: string }> = [];
  for (const block of (call.args.blocks ?? []) as Array<{ type: string; elements?: Array<{ type: string; action_id: string; value?: string }> }>) {
    if (block.type !== 'actions') continue;
    for (const el of block.elements ?? []) if (el.type === 'button') out.push({ action: el.action_id.split(':')[0]!, value: el.value ?? '' });
  }
  return out;
}
