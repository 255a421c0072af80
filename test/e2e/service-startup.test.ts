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

test('with Redis unreachable a web process stays ready, degraded and saying why (it keeps commands in PostgreSQL); a worker is not ready', async () => {
  const env = { DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6390' };
  const web = await spawnService({ ...env, SFA_ROLE: 'web' });
  const worker = await spawnService({ ...env, SFA_ROLE: 'worker' });
  try {
    const ready = await fetch(`http://127.0.0.1:${web.port}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: Record<string, string>; degraded: string[] };
    expect(body.checks.postgres).toBe('ok');
    expect(body.checks.redis).not.toBe('ok');
    expect(body.degraded).toEqual(['redis']);
    const workerReady = await fetch(`http://127.0.0.1:${worker.port}/readyz`);
    expect(workerReady.status).toBe(503);
    expect(((await workerReady.json()) as { checks: Record<string, string> }).checks.redis).not.toBe('ok');
    for (const p of [web, worker]) expect((await fetch(`http://127.0.0.1:${p.port}/healthz`)).status).toBe(200);
  } finally {
    for (const p of [web, worker]) p.child.kill('SIGTERM');
    await Promise.all([web.exit, worker.exit]);
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
