import type { Redis } from 'ioredis';
import { PacedError } from './notifier';

// One script, atomic in Redis, shared by every worker process. A message key first reserves the
// channel's next free slot, one interval after the previous one (and keeps it: a job delayed until
// its slot does not queue up behind itself when it comes back). At its slot it goes, unless the
// channel's last message actually left less than half an interval ago (one that came back late
// from the delayed set): Slack allows short bursts, not two messages at once. Returns 0 (go now,
// recorded as the channel's last send) or the milliseconds to wait.
const paceScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '-1')
if slot < 0 then
  slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
  redis.call('SET', KEYS[1], slot + interval, 'PX', slot - now + interval + 1000)
  redis.call('HSET', KEYS[2], ARGV[2], slot)
  redis.call('PEXPIRE', KEYS[2], slot - now + 600000)
end
local go = math.max(slot, tonumber(redis.call('GET', KEYS[3]) or '0') + math.floor(interval / 2))
if go > now then return go - now end
redis.call('SET', KEYS[3], now, 'PX', interval * 10)
redis.call('HDEL', KEYS[2], ARGV[2])
return 0
`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * About one message per second per channel (Slack's chat.postMessage limit). A short wait is
 * slept in the job; a longer one becomes a PacedError, and the worker moves the job to the
 * delayed set until its slot instead of holding a concurrency slot.
 */
export class ChannelPacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly intervalMs = 1000,
    private readonly maxInlineWaitMs = 1000,
  ) {}

  /** Returns when the message may go out now; throws PacedError when that is further away. */
  async wait(channel: string, messageKey: string): Promise<void> {
    // One hash tag per channel keeps the keys in one slot on a Redis cluster.
    const base = `${this.prefix}:pace:{${channel}}`;
    for (;;) {
      const waitMs = Number(await this.redis.eval(paceScript, 3, `${base}:next`, `${base}:held`, `${base}:last`, this.intervalMs, messageKey));
      if (waitMs <= 0) return;
      if (waitMs > this.maxInlineWaitMs) throw new PacedError(Date.now() + waitMs);
      await sleep(waitMs);
    }
  }
}
