import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startService, type Service } from '../../src/service';
import { Tenant } from '../../src/domain/tenants/tenant.entity';
import { createTestDatabase, type TestDatabase } from './test-database';
import { startFakeSlack } from './fake-slack';
import { createSlackDriver } from './slack-driver';

export const signingSecret = 'test-signing-secret-123';
export const teamId = 'T0TEST';

/**
 * The real service (web and worker in one process, its queues under a prefix of its own) on a
 * fresh database, talking to a fake Slack, and a signed-request driver.
 */
export async function startSlackWorld(extraEnv: Record<string, string> = {}) {
  const db: TestDatabase = await createTestDatabase();
  const fake = await startFakeSlack({ team: { id: teamId, name: 'Test Co' } });
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    SFA_ROLE: 'all',
    QUEUE_PREFIX: `sfa-test-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_API_URL: fake.url,
    ...extraEnv,
  });
  const service: Service = await startService(config, createLogger(config.logLevel));
  const baseUrl = `http://127.0.0.1:${service.port}`;
  const slack = createSlackDriver({ baseUrl, signingSecret, teamId, fake });
  const em = (): EntityManager => service.orm.em.fork();
  const tenant = await em().findOneOrFail(Tenant, { slackTeamId: teamId });
  return {
    db,
    fake,
    config,
    service,
    slack,
    em,
    tenant,
    stop: async () => {
      await service.stop();
      await fake.close();
      await db.drop();
    },
  };
}
export type SlackWorld = Awaited<ReturnType<typeof startSlackWorld>>;
