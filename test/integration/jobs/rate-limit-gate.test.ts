import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ChannelPacer, gateResume } from '../../../src/jobs/channel-pacer';
import { PacedError } from '../../../src/jobs/notifier';

/** The workspace gate a 429 shuts, on the real Redis every worker shares. */
let redis: Redis;
let pacer: ChannelPacer;
let prefix: string;
beforeEach(() => {
  prefix = `sfa-gate-${randomBytes(4).toString('hex')}`;
  pacer = new ChannelPacer(redis, prefix);
});
beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  const keys = await redis.keys('sfa-gate-*');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const notBeforeOf = async (work: Promise<void>): Promise<number | 'now'> => {
  try {
    await work;
    return 'now';
  } catch (err) {
    if (err instanceof PacedError) return err.notBefore;
    throw err;
  }
};

test('a 429 holds that workspace for its Retry-After; another workspace is not held', async () => {
  const before = Date.now();
  await pacer.hold('slack:tenant-a', 3000);
  const held = await notBeforeOf(pacer.wait('D1', 'm1', 'slack:tenant-a'));
  expect(held).not.toBe('now');
  expect(held as number).toBeGreaterThanOrEqual(before + 2900);
  expect(await notBeforeOf(pacer.wait('D2', 'm2', 'slack:tenant-b'))).toBe('now');
  expect(await notBeforeOf(pacer.wait('D3', 'm3'))).toBe('now');
});

test('what waits for a shut workspace leaves one by one when it opens, not all at once; a message keeps its slot', async () => {
  await pacer.hold('teams:tenant-a', 2000);
  for (let i = 0; i < 20; i++) expect(await notBeforeOf(pacer.wait(`conv-${i}`, `m${i}`, 'teams:tenant-a'))).not.toBe('now');
  // The slots as Redis reserved them (Redis' own clock, not this process's).
  const held = await redis.hgetall(`${prefix}:gate:{teams:tenant-a}:held`);
  const slots = Array.from({ length: 20 }, (_, i) => Number(held[`m${i}`]));
  const shutUntil = Number(await redis.hget(`${prefix}:gate:{teams:tenant-a}`, 'until'));
  expect(slots[0]).toBe(shutUntil);
  for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(gateResume.intervalMs);
  // Asking again (the job came back early, or ran twice) keeps the same slot, not a later one.
  await notBeforeOf(pacer.wait('conv-5', 'm5', 'teams:tenant-a'));
  expect(Number(await redis.hget(`${prefix}:gate:{teams:tenant-a}:held`, 'm5'))).toBe(slots[5]);
  expect(Number(await redis.hget(`${prefix}:gate:{teams:tenant-a}`, 'next'))).toBe(slots[19]! + gateResume.intervalMs);
});

test('a second 429 during the hold extends it; an earlier Retry-After does not shorten it', async () => {
  await pacer.hold('slack:tenant-c', 3000);
  await pacer.hold('slack:tenant-c', 500);
  const held = (await notBeforeOf(pacer.wait('D9', 'm9', 'slack:tenant-c'))) as number;
  expect(held - Date.now()).toBeGreaterThan(2500);
});

test('once the backlog has left and the recovery window passed, the gate is gone', async () => {
  await pacer.hold('slack:tenant-d', 50);
  await new Promise((r) => setTimeout(r, 100));
  expect(await notBeforeOf(pacer.wait('D10', 'm10', 'slack:tenant-d'))).toBe('now');
  const ttl = await redis.pttl(`${prefix}:gate:{slack:tenant-d}`);
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(gateResume.recoveryMs + 100);
});
