import { SlackInstallation } from '../../src/bots/slack/slack-installation.entity';
import { User } from '../../src/domain/org/user.entity';
import { Tenant } from '../../src/domain/tenants/tenant.entity';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startService, type Service } from '../../src/service';
import { eventually } from '../support/eventually';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { createSlackDriver } from '../support/slack-driver';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let fake: FakeSlack;
let service: Service;
let base: string;
const signingSecret = 'oauth-signing-secret';

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeSlack({ team: { id: 'T0INSTALL', name: 'Install Co' }, clientId: 'cid', clientSecret: 'csecret' });
  fake.setUser('UINSTALLER', { name: 'ina', real_name: 'Ina Installer', tz: 'Europe/Berlin', locale: 'en-US' });
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    SFA_ROLE: 'web',
    LOG_LEVEL: 'silent',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_CLIENT_ID: 'cid',
    SLACK_CLIENT_SECRET: 'csecret',
    SLACK_STATE_SECRET: 'state-secret-0123456789',
    ENCRYPTION_KEY: 'k'.repeat(40),
    SLACK_API_URL: fake.url,
    PUBLIC_URL: 'https://sfa.example.com',
  });
  service = await startService(config, createLogger('silent'));
  base = `http://127.0.0.1:${service.port}`;
});

afterAll(async () => {
  await service.stop();
  await fake.close();
  await db.drop();
});

test('install by OAuth: a tenant per workspace, tokens encrypted at rest, installer is admin, uninstall removes the tokens', async () => {
  const install = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  expect(install.status).toBe(302);
  const authorizeUrl = new URL(install.headers.get('location')!);
  const state = authorizeUrl.searchParams.get('state')!;
  expect(authorizeUrl.searchParams.get('client_id')).toBe('cid');
  const cookie = install.headers.get('set-cookie')?.split(';')[0] ?? '';

  const code = fake.oauthCode({ team: { id: 'T0INSTALL', name: 'Install Co' }, userId: 'UINSTALLER' });
  const redirect = await fetch(`${base}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
  expect([200, 302]).toContain(redirect.status);

  const em = db.orm.em.fork();
  const tenant = await em.findOneOrFail(Tenant, { slackTeamId: 'T0INSTALL' });
  const row = await em.findOneOrFail(SlackInstallation, { id: 'T0INSTALL' });
  expect(row.tenantId).toBe(tenant.id);
  expect(row.encrypted).not.toMatch(/xox[bp]-/);
  const installer = await em.findOneOrFail(User, { slackUserId: 'UINSTALLER' });
  expect(installer).toMatchObject({ role: 'admin', tenantId: tenant.id, timezone: 'Europe/Berlin' });

  // The stored (encrypted) installation authorises requests from that workspace.
  const slack = createSlackDriver({ baseUrl: base, signingSecret, teamId: 'T0INSTALL', fake });
  const help = await slack.command('UINSTALLER', '/sfa', 'admin');
  expect(help.status).toBe(200);
  expect(JSON.stringify(help.body)).toContain('/sfa admin');

  await slack.event({ type: 'event_callback', team_id: 'T0INSTALL', event: { type: 'app_uninstalled' } });
  await eventually(async () => expect(await db.orm.em.fork().count(SlackInstallation, { id: 'T0INSTALL' })).toBe(0));
});

test('a redirect with a forged state installs nothing', async () => {
  const code = fake.oauthCode({ team: { id: 'T0FORGED', name: 'Forged' }, userId: 'UX' });
  const res = await fetch(`${base}/slack/oauth_redirect?code=${code}&state=forged`, { redirect: 'manual' });
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(await db.orm.em.fork().count(SlackInstallation, { id: 'T0FORGED' })).toBe(0);
});
