import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { startService, type Service } from '../../../src/service';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { clearRedis } from './jobs-world';

let db: TestDatabase;
const prefix = `sfa-test-${process.pid}-${randomBytes(4).toString('hex')}`;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => {
  await clearRedis('redis://127.0.0.1:6379', prefix);
  await db.drop();
});

async function web(env: Record<string, string>): Promise<Service> {
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SFA_ROLE: 'web', LOG_LEVEL: 'silent', QUEUE_PREFIX: prefix, ...env });
  return startService(config, createLogger('silent'));
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('/admin/queues asks for the admin password, and shows the queues with it', async () => {
  const service = await web({ ADMIN_PASSWORD: 'correct horse battery' });
  const base = `http://127.0.0.1:${service.port}/admin/queues`;
  try {
    const anonymous = await fetch(base);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await fetch(base, { headers: { authorization: basic('admin', 'wrong password!') } })).status).toBe(401);

    const page = await fetch(base, { headers: { authorization: basic('admin', 'correct horse battery') } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await fetch(`${base}/api/queues`, { headers: { authorization: basic('ops', 'correct horse battery') } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['commands', 'deliveries', 'schedules', 'signals']);
  } finally {
    await service.stop();
  }
});

test('without ADMIN_PASSWORD there is no dashboard at all', async () => {
  const service = await web({});
  try {
    expect((await fetch(`http://127.0.0.1:${service.port}/admin/queues`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${service.port}/admin/queues/api/queues`)).status).toBe(404);
  } finally {
    await service.stop();
  }
});

test('a short ADMIN_PASSWORD is refused at start', () => {
  expect(() => loadConfig({ ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD must be at least 12 characters/);
});
