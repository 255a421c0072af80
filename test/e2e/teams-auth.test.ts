import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startService } from '../../src/service';
import { createTestDatabase } from '../support/test-database';

test('with credentials, an activity without a valid Bot Framework token gets 401 and no reply', async () => {
  const db = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    SFA_ROLE: 'web',
    QUEUE_PREFIX: `sfa-test-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555',
    MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
  });
  const service = await startService(config, createLogger('silent'));
  try {
    const activity = { type: 'message', text: 'help', serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', from: { id: '29:x' }, conversation: { id: 'a:x' }, recipient: { id: '28:bot' } };
    const url = `http://127.0.0.1:${service.port}/api/messages`;
    const none = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(none.status).toBe(401);
    const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJtZSJ9.' }, body: JSON.stringify(activity) });
    expect(forged.status).toBe(401);
  } finally {
    await service.stop();
    await db.drop();
  }
}, 60_000);

test('TEAMS_DEV_MODE is refused in production', () => {
  expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: 'x'.repeat(64), TEAMS_DEV_MODE: 'true', DATABASE_URL: 'postgres://x@y/z' })).toThrow(ConfigError);
  try {
    loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: 'x'.repeat(64), TEAMS_DEV_MODE: 'true', DATABASE_URL: 'postgres://x@y/z' });
  } catch (err) {
    expect((err as ConfigError).problems.join('\n')).toMatch(/TEAMS_DEV_MODE=true is refused when NODE_ENV=production/);
  }
});
