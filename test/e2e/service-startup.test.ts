import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { spawnService } from '../support/spawn-service';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

test('starts with no chat credentials, says so once, answers health and readiness, stops on SIGTERM', async () => {
  // A database that does not exist yet: start-up must create and migrate it.
  const url = new URL(db.url);
  url.pathname = `${url.pathname}_fresh`;
  const service = await spawnService({ DATABASE_URL: url.toString() });
  try {
    const health = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { postgres: 'ok', redis: 'ok' } });
    const slackNotices = service.logs.filter((l) => String(l.msg).startsWith('Slack bot disabled'));
    expect(slackNotices).toHaveLength(1);
    expect(service.logs.some((l) => l.msg === 'migrations applied')).toBe(true);
  } finally {
    service.child.kill('SIGTERM');
    expect(await service.exit).toBe(0);
    const admin = db.orm.em.getConnection();
    await admin.execute(`drop database if exists "${url.pathname.slice(1)}" with (force)`);
  }
});

test('readiness is 503 and names Redis when Redis is unreachable', async () => {
  const service = await spawnService({ DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6390' });
  try {
    const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks.postgres).toBe('ok');
    expect(body.checks.redis).not.toBe('ok');
    expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
  } finally {
    service.child.kill('SIGTERM');
    await service.exit;
  }
});

test('a bad environment stops start-up with one line per problem and no stack trace', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/main.ts')], {
    env: { PATH: process.env.PATH ?? '', PORT: 'http', SFA_ROLE: 'everything' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code).toBe(78);
  expect(stderr).toContain('PORT must be a port number');
  expect(stderr).toContain('SFA_ROLE must be one of web, worker, all');
  expect(stderr).not.toMatch(/\n\s+at /);
});
