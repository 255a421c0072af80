import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planVisit } from '../../../src/domain/activities/plan-visit';
import { sleep, startJobsWorld, type JobsWorld } from './jobs-world';

/**
 * A Redis of our own (port 6391, no persistence) that the test stops and starts: stopping it
 * loses every queued job, the worst kind of outage.
 */
const port = 6391;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sfa-redis-'));
const redisUp = () => execFileSync('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--dir', dir, '--maxmemory-policy', 'noeviction']);
const redisDown = () => {
  try {
    execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
  } catch {
    /* already down */
  }
};
const waitForRedis = async () => {
  for (let i = 0; i < 50; i++) {
    try {
      if (execFileSync('redis-cli', ['-p', String(port), 'ping']).toString().includes('PONG')) return;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error('redis on 6391 did not start');
};

let world: JobsWorld;
beforeAll(async () => {
  redisDown();
  redisUp();
  await waitForRedis();
  world = await startJobsWorld({ redisUrl: `redis://127.0.0.1:${port}` });
});
afterAll(async () => {
  await world?.stop();
  redisDown();
  rmSync(dir, { recursive: true, force: true });
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

test('Redis stopped (losing its data) and restarted mid-run: every reminder is still delivered, once', async () => {
  await world.startWorker();
  const reps = await Promise.all([0, 1, 2, 3, 4].map(() => world.person({ lead: 1 })));
  const before = [];
  for (const rep of reps) before.push(await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(66) }));
  await world.until(async () => (await world.outbox()).every((r) => r.publishedAt), 'the first reminders to be queued in Redis');

  redisDown();
  // Planning goes on while Redis is down: the reminders wait in the outbox.
  const during = [];
  for (const rep of reps) during.push(await planVisit(world.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(68) }));
  await sleep(2000);
  const waiting = (await world.outbox()).filter((r) => !r.publishedAt);
  expect(waiting.map((r) => r.aggregateId).sort()).toEqual(during.map((v) => v.id).sort());

  redisUp();
  await waitForRedis();
  const all = [...before, ...during];
  await world.until(() => world.posted().length >= all.length, `${all.length} reminders`, 30_000);
  await sleep(1500);
  const keys = world.posted().map((c) => c.args.metadata.event_payload.key as string);
  expect(keys.sort()).toEqual(all.map((v) => `visit-reminder.${v.id}.${v.scheduledAt!.getTime()}`).sort());
  for (const rep of reps) expect(world.dms(rep.dmChannel)).toHaveLength(2);
}, 60_000);

test('Redis restarted empty between two turns of the relay: the lost reminders are found at once, not at the next sweep', async () => {
  // A sweep a minute apart: only noticing Redis come back can deliver these in time.
  const slow = await startJobsWorld({ redisUrl: `redis://127.0.0.1:${port}`, env: { OUTBOX_SWEEP_MS: '60000' } });
  try {
    await slow.startWorker();
    const reps = await Promise.all([0, 1, 2].map(() => slow.person({ lead: 1 })));
    const visits = [];
    for (const rep of reps) visits.push(await planVisit(slow.em(), rep.actor, { customerId: rep.customer.id, scheduledAt: inSeconds(72) }));
    await slow.until(async () => (await slow.outbox()).every((r) => r.publishedAt), 'the reminders to be queued in Redis');
    await sleep(5500); // past the sweep's 5 s grace for rows just published
    redisDown();
    redisUp();
    await waitForRedis();
    expect(slow.posted()).toHaveLength(0);
    // Due about 6 s after Redis came back.
    await slow.until(() => slow.posted().length >= visits.length, `${visits.length} reminders`, 15_000);
    for (const rep of reps) expect(slow.dms(rep.dmChannel)).toHaveLength(1);
  } finally {
    await slow.stop();
  }
}, 60_000);
