import { ConfigError, loadConfig } from '../../src/config';

test('defaults give a working local configuration', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/sfa',
    redisUrl: 'redis://127.0.0.1:6379',
    port: 3000,
    role: 'all',
    logLevel: 'info',
    slack: { adminUserIds: [] },
  });
  expect(config.slack.oauth).toBeUndefined();
});

test('empty strings count as unset', () => {
  expect(loadConfig({ PORT: '', SFA_ROLE: '' })).toMatchObject({ port: 3000, role: 'all' });
});

test('every bad or missing variable is named in one error', () => {
  let error: ConfigError | undefined;
  try {
    loadConfig({ PORT: 'eighty', SFA_ROLE: 'both', DATABASE_URL: 'mysql://x/y', REDIS_URL: 'nope', LOG_LEVEL: 'loud', NODE_ENV: 'production' });
  } catch (err) {
    error = err as ConfigError;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const text = error!.problems.join('\n');
  for (const name of ['PORT', 'SFA_ROLE', 'DATABASE_URL', 'REDIS_URL', 'LOG_LEVEL', 'ENCRYPTION_KEY']) expect(text).toContain(name);
  expect(error!.problems).toHaveLength(6);
});

test('ENCRYPTION_KEY is required in production only', () => {
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY is required when NODE_ENV=production/);
  expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: 'k'.repeat(32) }).encryptionKey).toHaveLength(32);
  expect(() => loadConfig({ ENCRYPTION_KEY: 'short' })).toThrow(/at least 32 characters/);
});

test('Slack settings: partial OAuth and a token without signing secret are refused', () => {
  expect(() => loadConfig({ SLACK_CLIENT_ID: 'id' })).toThrow(/SLACK_CLIENT_SECRET is required for Slack OAuth/);
  expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET is required/);
  expect(() => loadConfig({ SLACK_BOT_TOKEN: 'nope', SLACK_SIGNING_SECRET: 'secret123' })).toThrow(/SLACK_BOT_TOKEN must be a bot token/);
  const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret123', SLACK_ADMIN_USER_IDS: 'U1, U2' });
  expect(c.slack).toMatchObject({ botToken: 'xoxb-1', signingSecret: 'secret123', adminUserIds: ['U1', 'U2'] });
});
