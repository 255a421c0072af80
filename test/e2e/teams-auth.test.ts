import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startService } from '../../src/service';
import { createTestDatabase } from '../support/test-database';

async function withTeamsService(env: Record<string, string>, run: (url: string) => Promise<void>) {
  const db = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SFA_ROLE: 'web', QUEUE_PREFIX: `sfa-test-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent', ...env });
  const service = await startService(config, createLogger('silent'));
  try {
    await run(`http://127.0.0.1:${service.port}/api/messages`);
  } finally {
    await service.stop();
    await db.drop();
  }
}

const activity = { type: 'message', text: 'help', serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', from: { id: '29:x' }, conversation: { id: 'a:x' }, recipient: { id: '28:bot' } };
const credentials = { MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555', MICROSOFT_APP_PASSWORD: 'not-a-real-secret' };
const post = (url: string, body: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** Every refusal says one word: no Bot Framework URL, DNS error, stack or library text. */
async function expectPlain(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(await res.text()).toBe(JSON.stringify({ ok: false, error }));
}

test('with credentials, an activity without a valid Bot Framework token gets a plain 401 and no reply', async () => {
  await withTeamsService(credentials, async (url) => {
    await expectPlain(await post(url, JSON.stringify(activity)), 401, 'unauthorized');
    await expectPlain(await post(url, JSON.stringify(activity), { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJtZSJ9.' }), 401, 'unauthorized');
  });
}, 60_000);

test('in production, a forged token (whose keys cannot even be fetched here) gets the same plain 401', async () => {
  await withTeamsService({ ...credentials, NODE_ENV: 'production', ENCRYPTION_KEY: 'k'.repeat(64) }, async (url) => {
    const forged = 'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImZvcmdlZCJ9.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIiwiYXVkIjoiMTExMTExMTEtMjIyMi0zMzMzLTQ0NDQtNTU1NTU1NTU1NTU1In0.c2ln';
    await expectPlain(await post(url, JSON.stringify(activity), { authorization: forged }), 401, 'unauthorized');
  });
}, 60_000);

test('a body that is not JSON gets 400, one over 1 MB gets 413, JSON that is not an activity gets 400', async () => {
  await withTeamsService({ TEAMS_DEV_MODE: 'true' }, async (url) => {
    await expectPlain(await post(url, '{"type": "message", "text": '), 400, 'bad_request');
    await expectPlain(await post(url, JSON.stringify({ ...activity, text: 'x'.repeat(1_100_000) })), 413, 'payload_too_large');
    await expectPlain(await post(url, JSON.stringify({ hello: 'world' })), 400, 'bad_request');
    await expectPlain(await post(url, JSON.stringify({ ...activity, from: { id: { $ne: 1 } } })), 400, 'bad_request');
  });
}, 60_000);

test('TEAMS_DEV_MODE is refused in production', () => {
  expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: 'x'.repeat(64), TEAMS_DEV_MODE: 'true', DATABASE_URL: 'postgres://x@y/z' })).toThrow(ConfigError);
  try {
    loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: 'x'.repeat(64), TEAMS_DEV_MODE: 'true', DATABASE_URL: 'postgres://x@y/z' });
  } catch (err) {
    expect((err as ConfigError).problems.join('\n')).toMatch(/TEAMS_DEV_MODE=true is refused when NODE_ENV=production/);
  }
});
