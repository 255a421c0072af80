import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  freePort,
  linkDemoTenantToTeams,
  otherPlaygroundUsers,
  pickCurrentUser,
  playgroundCommand,
  playgroundConfig,
  playgroundTenantId,
  spawnPlayground,
  waitForHttp,
  writePlaygroundConfig,
  type LinkedDemoTenant,
} from '../../../src/cli/teams-playground';
import { findChatUser } from '../../../src/domain/org/register-chat-user';
import { findWorkspaceTenant } from '../../../src/domain/tenants/find-workspace-tenant';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
let first: LinkedDemoTenant;
beforeAll(async () => {
  db = await createTestDatabase();
  // A tenant an earlier run (or a reset demo) left holding the mock AAD tenant id.
  await db.em().getConnection().execute(
    `insert into tenants (id, slug, name, teams_tenant_id, default_locale, default_timezone, default_currency, created_at)
     values (gen_random_uuid(), 'stale', 'Stale', ?, 'en', 'UTC', 'USD', now())`,
    [playgroundTenantId],
  );
  first = await linkDemoTenantToTeams(db.orm);
}, 120_000);
afterAll(async () => { await db.drop(); });

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sql = <T = unknown[]>(query: string, params: unknown[] = []): Promise<T> => db.em().getConnection().execute(query, params) as Promise<T>;

describe('linking the demo tenant to the mock AAD tenant', () => {
  test('seeds the demo tenant when missing, links it and gives every active user a stable AAD object id', async () => {
    expect(first.seeded).toBe(true);
    const [tenant] = await sql<Array<{ id: string; teams_tenant_id: string }>>(`select id, teams_tenant_id from tenants where slug = 'demo'`);
    expect(tenant).toEqual({ id: first.tenantId, teams_tenant_id: playgroundTenantId });
    const [stale] = await sql<Array<{ teams_tenant_id: string | null }>>(`select teams_tenant_id from tenants where slug = 'stale'`);
    expect(stale!.teams_tenant_id).toBeNull();

    const users = await sql<Array<{ id: string; teams_aad_object_id: string | null; teams_tenant_id: string | null }>>(
      `select id, teams_aad_object_id, teams_tenant_id from users where tenant_id = ? and active`, [first.tenantId],
    );
    expect(users).toHaveLength(19);
    expect(users.every((u) => guid.test(u.teams_aad_object_id ?? '') && u.teams_tenant_id === playgroundTenantId)).toBe(true);
    expect(new Set(users.map((u) => u.teams_aad_object_id)).size).toBe(users.length);
    expect(first.people.map((p) => [p.userId, p.aadObjectId]).sort()).toEqual(users.map((u) => [u.id, u.teams_aad_object_id]).sort());
  });

  test('is idempotent: a second run seeds nothing and changes no id; an id already set is kept, a missing one comes back the same', async () => {
    const [kept, cleared] = first.people.filter((p) => p.role === 'rep');
    await sql(`update users set teams_aad_object_id = '11111111-2222-3333-4444-555555555555' where id = ?`, [kept!.userId]);
    await sql(`update users set teams_aad_object_id = null where id = ?`, [cleared!.userId]);
    const [before] = await sql<Array<{ n: string }>>(`select count(*) as n from tenants`);

    const second = await linkDemoTenantToTeams(db.orm);
    expect(second.seeded).toBe(false);
    expect(second.tenantId).toBe(first.tenantId);
    const [after] = await sql<Array<{ n: string }>>(`select count(*) as n from tenants`);
    expect(after).toEqual(before);
    const expected = first.people.map((p) => (p.userId === kept!.userId ? { ...p, aadObjectId: '11111111-2222-3333-4444-555555555555' } : p));
    expect(second.people).toEqual(expected);

    const third = await linkDemoTenantToTeams(db.orm);
    expect(third.people).toEqual(second.people);
    await sql(`update users set teams_aad_object_id = ? where id = ?`, [kept!.aadObjectId, kept!.userId]);
  });

  test('the Teams bot finds the tenant and the person the playground says is talking', async () => {
    const em = db.em();
    const tenant = await findWorkspaceTenant(em, 'teams', playgroundTenantId);
    expect(tenant?.id).toBe(first.tenantId);
    for (const p of first.people) {
      const user = await findChatUser(em, tenant!.id, { platform: 'teams', tenantId: playgroundTenantId, aadObjectId: p.aadObjectId });
      expect(user?.id).toBe(p.userId);
    }
  });
});

describe('the playground config', () => {
  test('the current user is the first rep speaking the tenant language, or whoever PLAYGROUND_USER names', () => {
    const people = first.people;
    const dflt = pickCurrentUser(people, first.defaultLocale);
    expect(dflt).toMatchObject({ role: 'rep', locale: 'zh-CN' });
    expect(pickCurrentUser(people, first.defaultLocale, '')).toEqual(dflt);
    expect(pickCurrentUser(people, first.defaultLocale, 'Emily.Chen@demo.example.com')).toMatchObject({ name: 'Emily Chen', role: 'manager' });
    expect(pickCurrentUser(people, first.defaultLocale, 'zhao.min')).toMatchObject({ name: '赵敏', role: 'admin' });
    expect(pickCurrentUser(people, first.defaultLocale, 'anna schmidt')).toMatchObject({ email: 'anna.schmidt@demo.example.com', timezone: 'Europe/Berlin' });
    expect(() => pickCurrentUser(people, first.defaultLocale, 'nobody@example.com')).toThrow(/PLAYGROUND_USER=nobody@example.com is none of .*\n.*wang\.wei@demo\.example\.com/s);
  });

  test('written and parsed back, it names the database tenant and people: the current user, then their manager, the admin and teammates', async () => {
    const current = pickCurrentUser(first.people, first.defaultLocale, 'wang.wei');
    const others = otherPlaygroundUsers(first.people, current);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-teams-pg-'));
    const file = path.join(dir, '.m365agentsplayground.yml');
    writePlaygroundConfig(file, playgroundConfig(current, others));
    const config = parse(fs.readFileSync(file, 'utf8'));
    fs.rmSync(dir, { recursive: true, force: true });

    const [row] = await sql<Array<{ teams_aad_object_id: string; tenant_aad: string }>>(
      `select u.teams_aad_object_id, t.teams_tenant_id as tenant_aad from users u join tenants t on t.id = u.tenant_id where u.email = 'wang.wei@demo.example.com'`,
    );
    expect(config.tenantId).toBe(row!.tenant_aad);
    expect(config.currentUser).toEqual({
      id: `29:${row!.teams_aad_object_id}`, name: '王伟', userPrincipleName: 'wang.wei@demo.example.com', aadObjectId: row!.teams_aad_object_id,
      givenName: '伟', surname: '王', email: 'wang.wei@demo.example.com',
    });
    // The playground's schema: version 0.1.1, exactly five other users, at most one extra channel.
    expect(config.version).toBe('0.1.1');
    expect(config.users).toHaveLength(5);
    expect(config.team.channels).toHaveLength(1);
    expect(new Set([config.currentUser.id, ...config.users.map((u: { id: string }) => u.id)]).size).toBe(6);
    expect(config.users.map((u: { name: string }) => u.name).slice(0, 2)).toEqual(['李强', '赵敏']);
    const dbIds = new Map(first.people.map((p) => [p.email, p.aadObjectId]));
    for (const u of config.users) {
      expect(u.aadObjectId).toBe(dbIds.get(u.email));
      expect(Object.keys(u).sort()).toEqual(['aadObjectId', 'email', 'givenName', 'id', 'name', 'surname', 'userPrincipleName']);
    }
    expect(config.users.find((u: { email: string }) => u.email === 'michael.brown@demo.example.com')).toMatchObject({ givenName: 'Michael', surname: 'Brown' });
  });
});

/** Whether the playground is installed (it is a dev dependency; `npm ci --omit=dev` leaves it out). */
const installed = (() => {
  try {
    return fs.existsSync(playgroundCommand().script);
  } catch {
    return false;
  }
})();
if (!installed) console.warn('skipping the Agents Playground smoke test: @microsoft/m365agentsplayground is not installed (run npm install)');

// Needs no network: the playground serves its UI from its package and mocks the Teams services.
(installed ? describe : describe.skip)('the real Agents Playground (smoke)', () => {
  test('serves its UI with our config and sends the bot an activity as the mapped user in the mock tenant', async () => {
    const received: Array<Record<string, any>> = [];
    const bot = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.method === 'POST') received.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
    const current = pickCurrentUser(first.people, first.defaultLocale);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-teams-pg-'));
    writePlaygroundConfig(path.join(dir, '.m365agentsplayground.yml'), playgroundConfig(current, otherPlaygroundUsers(first.people, current)));
    const port = await freePort(0);
    const child = spawnPlayground({ endpoint: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/api/messages`, port, dir, stdio: 'pipe' });
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${base}/`, 30_000, () => child.exitCode === null).catch((err) => {
        const log = fs.existsSync(path.join(dir, 'm365agentsplayground.log')) ? fs.readFileSync(path.join(dir, 'm365agentsplayground.log'), 'utf8') : '';
        throw new Error(`${(err as Error).message}\n${output}\n${log}`);
      });
      const page = await (await fetch(`${base}/`)).text();
      expect(page).toContain('<title>Microsoft 365 Agents Playground</title>');
      const script = page.match(/src="(\/static\/js\/[^"]+)"/)?.[1];
      expect((await fetch(`${base}${script}`)).status).toBe(200);

      // It loaded our config (an invalid one makes it exit 1).
      const { config } = (await (await fetch(`${base}/_internal/v1/config`)).json()) as { config: Record<string, any> };
      expect(config.tenantId).toBe(playgroundTenantId);
      expect(config.currentUser).toMatchObject({ aadObjectId: current.aadObjectId, email: current.email });

      // What the UI sends when you type: a message from the current user in their personal chat.
      const conversationId = config.personalChat.id as string;
      const template = (await (await fetch(`${base}/_internal/v1/customActivities/template?conversationId=${encodeURIComponent(conversationId)}`)).json()) as Record<string, unknown>;
      const sent = await fetch(`${base}/_internal/v1/customActivities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...template, type: 'message', text: 'help' }) });
      expect(sent.status).toBe(200);
      const deadline = Date.now() + 15_000;
      while (!received.some((a) => a.type === 'message') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(received.find((a) => a.type === 'message')).toMatchObject({
        text: 'help',
        channelId: 'msteams',
        from: { aadObjectId: current.aadObjectId },
        conversation: { id: conversationId, tenantId: playgroundTenantId, conversationType: 'personal' },
        serviceUrl: `http://localhost:${port}/_connector`,
      });
      expect(fs.readdirSync(dir).sort()).toEqual(['.m365agentsplayground.yml', 'm365agentsplayground.log']);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      await new Promise((resolve) => bot.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
