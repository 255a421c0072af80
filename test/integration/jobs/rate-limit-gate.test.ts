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

/** Never sleeps in the call: every wait comes back as a PacedError, so slots can be read at once. */
const reserving = () => new ChannelPacer(redis, prefix, 1000, 0);

test('a slot reserved before a newer 429 is given up: the message waits behind the new Retry-After', async () => {
  const pacer = reserving();
  await pacer.hold('slack:tenant-e', 1000);
  expect(await notBeforeOf(pacer.wait('D20', 'early', 'slack:tenant-e'))).not.toBe('now');
  await pacer.hold('slack:tenant-e', 3000);
  const shutUntil = Number(await redis.hget(`${prefix}:gate:{slack:tenant-e}`, 'until'));
  const again = (await notBeforeOf(pacer.wait('D20', 'early', 'slack:tenant-e'))) as number;
  expect(again).toBeGreaterThanOrEqual(shutUntil - 50);
  expect(Number(await redis.hget(`${prefix}:gate:{slack:tenant-e}:held`, 'early'))).toBeGreaterThanOrEqual(shutUntil);
});

test('the trickle speeds up every second after the gate opens, so a backlog drains and the gate ends', async () => {
  const pacer = reserving();
  await pacer.hold('slack:tenant-f', 1000);
  for (let i = 0; i < 120; i++) await notBeforeOf(pacer.wait(`C${i}`, `b${i}`, 'slack:tenant-f'));
  const held = await redis.hgetall(`${prefix}:gate:{slack:tenant-f}:held`);
  const slots = Array.from({ length: 120 }, (_, i) => Number(held[`b${i}`]));
  const shutUntil = slots[0]!;
  const gaps = slots.slice(1).map((s, i) => ({ second: Math.floor((slots[i]! - shutUntil) / 1000), gap: s - slots[i]! }));
  // 20 in the first second (50 ms apart), 40 in the next (25 ms), then 80 a second and more.
  expect(gaps.filter((g) => g.second === 0).every((g) => g.gap === 50)).toBe(true);
  expect(gaps.filter((g) => g.second === 1).every((g) => g.gap === 25)).toBe(true);
  expect(slots[119]! - shutUntil).toBeLessThan(3000);
});

test('a per-workspace spacing (Teams: 50 requests a second per tenant) holds across channels', async () => {
  const pacer = reserving();
  const waits = await Promise.all(Array.from({ length: 40 }, (_, i) => notBeforeOf(pacer.wait(`conv-${i}`, `t${i}`, 'teams:tenant-g', 25))));
  const held = await redis.hgetall(`${prefix}:pace:{teams:tenant-g}:held`);
  const slots = Object.values(held).map(Number).sort((a, b) => a - b);
  // The first went at once; each other one has its own slot, 25 ms after the one before.
  expect(waits.filter((w) => w === 'now')).toHaveLength(1);
  expect(slots).toHaveLength(39);
  for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(25);
});

test('a message that had its slot is checked again before it is sent: a 429 meanwhile holds it, an open gate does not push it back', async () => {
  const pacer = reserving();
  await pacer.hold('slack:tenant-h', 50);
  await new Promise((r) => setTimeout(r, 80));
  // The gate is open again (in its slow start): the message goes, once through both checks.
  expect(await notBeforeOf(pacer.wait('D30', 'h1', 'slack:tenant-h'))).toBe('now');
  // Its channel is free, but a new 429 arrived: the recheck holds it.
  await pacer.hold('slack:tenant-h', 3000);
  expect(await notBeforeOf(pacer.wait('D31', 'h2', 'slack:tenant-h'))).not.toBe('now');
});
