import { execFile } from 'node:child_process';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { User } from '../../../src/domain/org/user.entity';
import { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { fixturePath } from './cli-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const root = path.resolve(__dirname, '../../..');

/** Runs the real `bin/sfa.js` as an admin would, against this file's database. */
function sfa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/sfa.js'), ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** `main()` in this process, with its output collected. */
async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DATABASE_URL: db.url });
  return { code, out, err };
}

test('the binary works end to end: create a tenant, import users and customers, report bad rows, exit codes', async () => {
  const created = await sfa('tenant', 'create', 'bin-test', '--name', '二进制测试', '--currency', 'CNY', '--timezone', 'Asia/Shanghai', '--locale', 'zh-CN');
  expect(created).toMatchObject({ code: 0, stderr: '' });
  expect(created.stdout).toBe('tenant bin-test created (二进制测试; CNY, Asia/Shanghai, zh-CN)\n');

  // The only tenant: --tenant can be left out.
  const users = await sfa('import', 'users', fixturePath('users-good.csv'));
  expect(users.code).toBe(0);
  expect(users.stdout).toBe('users: 7 created, 0 updated, 0 skipped, 0 unchanged (tenant bin-test)\norg units: 5 created, 3 managers set\n');

  const bad = await sfa('import', 'users', fixturePath('users-bad.csv'), '--tenant', 'bin-test');
  expect(bad.code).toBe(1);
  expect(bad.stderr.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(
    ['line 3', 'line 4', 'line 5', 'line 7', 'line 8', 'line 9', 'line 10', 'line 12', 'line 13', 'line 14'],
  );
  expect(bad.stdout).toMatch(/^users: nothing imported: 10 of 13 rows have errors/);

  const customers = await sfa('import', 'customers', fixturePath('customers.csv'), '--tenant', 'bin-test');
  expect(customers).toMatchObject({ code: 0, stdout: 'customers: 4 created, 0 updated, 0 skipped, 0 unchanged (tenant bin-test)\n' });

  const usage = await sfa('import', 'users');
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/missing <file.csv>/);

  const tenant = await db.em().findOneOrFail(Tenant, { slug: 'bin-test' });
  expect(await db.em().count(User, { tenantId: tenant.id })).toBe(7);
  expect(await db.em().count(Customer, { tenantId: tenant.id })).toBe(4);
});

describe('main() exit codes and messages', () => {
  test('usage errors exit 2 without touching the database', async () => {
    const noArgs = await main([], { out: () => {}, err: () => {} }, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(noArgs).toBe(2);
    for (const argv of [['frobnicate'], ['tenant'], ['tenant', 'delete', 'x'], ['import', 'users', 'a.csv', '--tenat', 'x'], ['import', 'users', 'a.csv', 'b.csv'], ['seed']]) {
      const r = await main(argv, { out: () => {}, err: () => {} }, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      expect([argv, r]).toEqual([argv, 2]);
    }
    const help = await run('help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toMatch(/sfa import customers <file.csv> \[--tenant <slug>\] \[--skip-invalid\]/);
  });

  test('user errors exit 1 with one clear message', async () => {
    expect(await run('import', 'users', fixturePath('users-good.csv'), '--tenant', 'nope')).toMatchObject({
      code: 1, err: ['unknown tenant "nope" (tenants: bin-test); create it with: sfa tenant create nope'],
    });
    expect(await run('import', 'users', fixturePath('no-such.csv'))).toMatchObject({ code: 1, err: [expect.stringMatching(/^file not found: /)] });
    expect(await run('import', 'customers', fixturePath('users-good.csv'))).toMatchObject({ code: 1, err: [expect.stringMatching(/^line 1: unknown columns: role, org_unit, slack_user_id, teams_user_id, locale, timezone \(expected columns: name,owner_email,/)] });
    const badUrl = await main(['tenant', 'list'], { out: () => {}, err: () => {} }, { DATABASE_URL: 'mysql://x' });
    expect(badUrl).toBe(1);
  });

  test('--skip-invalid imports the good rows, lists the bad ones and exits 0; tenant list and migrate report', async () => {
    await run('tenant', 'create', 'skip');
    const r = await run('import', 'users', fixturePath('users-bad.csv'), '--tenant', 'skip', '--skip-invalid');
    expect(r.code).toBe(0);
    expect(r.err).toHaveLength(10);
    expect(r.err[0]).toBe('line 3: email "not-an-email" is not a valid email address');
    expect(r.out[0]).toBe('users: 3 created, 0 updated, 10 skipped, 0 unchanged (tenant skip)');

    const list = await run('tenant', 'list');
    expect(list.out[0]).toMatch(/^slug\s+name\s+currency\s+timezone\s+locale\s+users\s+customers$/);
    expect(list.out.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['bin-test', 'skip']);
    expect(await run('migrate')).toMatchObject({ code: 0, out: ['database is up to date: no pending migrations'] });
  });
});
