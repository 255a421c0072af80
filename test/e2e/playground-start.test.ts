import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { playgroundWanted } from '../../src/playground/playground';
import { startService } from '../../src/service';
import { startSlackWorld } from '../support/slack-world';
import { spawnService } from '../support/spawn-service';
import { createTestDatabase } from '../support/test-database';

/** The playground is for trying the product: it is not there in production, nor beside a real Slack app. */
const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', SFA_ROLE: 'all' };

test('only in development, with web and worker together, and no Slack app configured', () => {
  expect(playgroundWanted(loadConfig(env))).toBe(true);
  expect(playgroundWanted(loadConfig({ ...env, NODE_ENV: 'production', ENCRYPTION_KEY: 'k'.repeat(32) }))).toBe(false);
  expect(playgroundWanted(loadConfig({ ...env, NODE_ENV: 'test' }))).toBe(false);
  expect(playgroundWanted(loadConfig({ ...env, SLACK_SIGNING_SECRET: 'secret-123', SLACK_BOT_TOKEN: 'xoxb-1' }))).toBe(false);
  expect(playgroundWanted(loadConfig({ ...env, SFA_ROLE: 'web' }))).toBe(false);
  expect(playgroundWanted(loadConfig({ ...env, SFA_PLAYGROUND: 'off' }))).toBe(false);
});

test('with a Slack app configured, / and the playground API are not served', async () => {
  const w = await startSlackWorld();
  try {
    const base = `http://127.0.0.1:${w.service.port}`;
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/playground/api/workspace`)).status).toBe(404);
  } finally {
    await w.stop();
  }
}, 60_000);

test('in production, / is not served and nothing is seeded', async () => {
  const db = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SFA_ROLE: 'all', NODE_ENV: 'production', ENCRYPTION_KEY: 'k'.repeat(32), QUEUE_PREFIX: `sfa-off-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent' });
  const service = await startService(config, createLogger('silent'));
  try {
    expect((await fetch(`http://127.0.0.1:${service.port}/`)).status).toBe(404);
    expect(await db.em().getConnection().execute(`select count(*)::int as n from tenants`)).toEqual([{ n: 0 }]);
  } finally {
    await service.stop();
    await db.drop();
  }
}, 60_000);

test('as `npm start` runs it with no chat credentials: the playground at /, on 127.0.0.1 only, seeded with the demo company, stopping cleanly', async () => {
  const db = await createTestDatabase();
  const service = await spawnService({ DATABASE_URL: db.url, SFA_PLAYGROUND: 'on', QUEUE_PREFIX: `sfa-start-${randomBytes(4).toString('hex')}` }, 40_000);
  try {
    expect(service.logs.find((l) => l.msg === 'http server listening')).toMatchObject({ host: '127.0.0.1' });
    expect(service.logs.some((l) => String(l.msg).startsWith('playground: open http://localhost:'))).toBe(true);
    const page = await fetch(`http://127.0.0.1:${service.port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="user-switcher"');
    const workspace = (await (await fetch(`http://127.0.0.1:${service.port}/playground/api/workspace`)).json()) as { users: Array<{ role: string }> };
    expect(new Set(workspace.users.map((u) => u.role))).toEqual(new Set(['admin', 'manager', 'rep']));
  } finally {
    service.child.kill('SIGTERM');
    expect(await service.exit).toBe(0);
    await db.drop();
  }
}, 60_000);
