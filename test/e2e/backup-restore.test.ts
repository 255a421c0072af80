import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { openOrm } from '../../src/db/orm';
import { createSlackDriver } from '../support/slack-driver';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';
import { spawnService } from '../support/spawn-service';
import { baseDatabaseUrl } from '../support/test-database';
import { createSource, databaseUrl, demoTeamId, dropDatabase, dumpPlan, encryptionKey, fingerprints, removeTmpFiles, sfa, tmpFile, type Source } from '../integration/backup/backup-world';

/**
 * Issue 15, deliverable 7: a backup restored into a fresh database, and the service started on it
 * as its own process — once from a whole-database pg_dump, once from one tenant's export.
 */
const run = promisify(execFile);
const signingSecret = 'restore-signing-secret';

let source: Source;
let fake: FakeSlack;
const databases: string[] = [];

beforeAll(async () => {
  source = await createSource();
  fake = await startFakeSlack({ team: { id: demoTeamId, name: 'Demo' } });
}, 120_000);

afterAll(async () => {
  for (const name of databases) await dropDatabase(name);
  await fake?.close();
  await source?.db.drop();
  removeTmpFiles();
});

/**
 * Starts the service on `url` with a Redis namespace nobody has used (as after losing Redis),
 * checks it is ready and serves the restored tenant, and stops it.
 */
async function startAndUse(url: string): Promise<void> {
  const mark = fake.mark();
  const service = await spawnService(
    {
      DATABASE_URL: url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `sfa-restore-${randomBytes(4).toString('hex')}`,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: 'xoxb-restored',
      SLACK_API_URL: fake.url,
      ENCRYPTION_KEY: encryptionKey,
      OUTBOX_POLL_MS: '200',
    },
    30_000,
  );
  try {
    const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { postgres: 'ok', redis: 'ok' } });

    // A rep of the restored tenant looks up their customer and sees the visit logged just before the backup.
    const slack = createSlackDriver({ baseUrl: `http://127.0.0.1:${service.port}`, signingSecret, teamId: demoTeamId, fake });
    const card = await slack.command(source.marker.repSlackId, '/customer', source.marker.customerName);
    expect(card.status).toBe(200);
    expect(JSON.stringify(card.body)).toContain(source.marker.note);

    // The reminder whose job was in the old Redis: the sweeper finds it missing, the relay publishes
    // it again from the outbox, and the rep gets it (a delivery row written after the restore).
    const reminder = await fake.waitFor('chat.postMessage', (c) => c.ok && JSON.stringify(c.args).includes(source.marker.reminderCustomer), 20_000, { after: mark });
    expect(reminder.ok).toBe(true);
  } finally {
    service.child.kill('SIGTERM');
    expect(await service.exit).toBe(0);
  }
}

test('whole database: pg_dump -Fc, pg_restore --no-owner -j 2 into a fresh database, every table the same, the service starts on it', async () => {
  const file = tmpFile('sfa.dump');
  await run('pg_dump', ['-Fc', '-f', file, '-d', source.db.url]);
  const target = databaseUrl('pgrestore');
  databases.push(target.name);
  const admin = await openOrm(baseDatabaseUrl);
  await admin.em.getConnection().execute(`create database "${target.name}"`);
  await admin.close(true);
  await run('pg_restore', ['--no-owner', '-j', '2', '-d', target.url, file]);

  const restored = await openOrm(target.url);
  try {
    const plan = await dumpPlan(restored);
    expect(await fingerprints(restored, plan, null)).toEqual(await fingerprints(source.db.orm, source.plan, null));
  } finally {
    await restored.close(true);
  }
  await startAndUse(target.url);
}, 120_000);

test("one tenant: sfa tenant export, sfa tenant import into a fresh database, the service starts on it and serves the tenant", async () => {
  const file = tmpFile('demo.sql.gz');
  expect((await sfa(source.db.url, 'tenant', 'export', 'demo', '--out', file)).code).toBe(0);
  const target = databaseUrl('tenantrestore');
  databases.push(target.name);
  const imported = await sfa(target.url, 'tenant', 'import', file);
  expect(imported.err).toEqual([]);
  expect(imported.code).toBe(0);
  await startAndUse(target.url);
}, 120_000);
