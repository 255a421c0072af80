import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { openOrm, type MikroORM } from '../../../src/db/orm';
import { baseDatabaseUrl } from '../../support/test-database';

/**
 * Replicas (and a migration job) starting at once against an empty database: they take turns,
 * one applies the migrations, the others find nothing to do, and none fails.
 */
const root = path.resolve(__dirname, '../../..');
const name = `sfa_test_race_${randomBytes(4).toString('hex')}`;
const url = new URL(baseDatabaseUrl);
url.pathname = `/${name}`;
let admin: MikroORM;
beforeAll(async () => {
  admin = await openOrm(baseDatabaseUrl);
  await admin.em.getConnection().execute(`create database "${name}"`);
});
afterAll(async () => {
  await admin.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
  await admin.close(true);
});

const migrate = () =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/sfa.js'), 'migrate'], { cwd: root, env: { PATH: process.env.PATH ?? '', DATABASE_URL: url.toString() }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });

test('three `sfa migrate` at once on an empty database: all succeed, the migrations are applied once', async () => {
  const runs = await Promise.all([migrate(), migrate(), migrate()]);
  expect(runs.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
  expect(runs.filter((r) => /migrations? applied/.test(r.stdout))).toHaveLength(1);
  expect(runs.filter((r) => r.stdout.includes('database is up to date'))).toHaveLength(2);
  const db = await openOrm(url.toString());
  const [{ n }] = await db.em.getConnection().execute(`select count(*)::int as n from mikro_orm_migrations`);
  await db.close(true);
  expect(n).toBeGreaterThan(10);
}, 90_000);
