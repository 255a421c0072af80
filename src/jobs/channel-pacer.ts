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

// A workspace the platform answered 429 for is held shut until its Retry-After, in every worker.
// Messages that come to it meanwhile each reserve a slot from the moment it opens, one interval
// after the previous: the backlog leaves as a trickle, not as every worker's whole concurrency in
// the same millisecond. The interval halves with every second since the gate opened (a slow start
// that ends: after a few seconds it is under a millisecond and the gate is gone). A slot reserved
// before a newer 429 is given up and queued behind it. A recheck (right before sending, after the
// message had its slot) only asks whether a new 429 shut the gate since. Returns 0 (go now) or the
// ms to wait.
const gateScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local shut = tonumber(redis.call('HGET', KEYS[1], 'until') or '-1')
if shut < 0 then return 0 end
if ARGV[3] == 'recheck' and now >= shut then return 0 end
local base = tonumber(ARGV[1])
local spacing = function(at)
  if at <= shut then return base end
  return math.floor(base / (2 ^ math.floor((at - shut) / 1000)))
end
local slot = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '-1')
if slot >= 0 and slot < shut then slot = -1 end
if slot < 0 then
  if now > shut and spacing(now) < 1 then
    redis.call('DEL', KEYS[1])
    return 0
  end
  slot = math.max(now, shut, tonumber(redis.call('HGET', KEYS[1], 'next') or '0'))
  redis.call('HSET', KEYS[1], 'next', slot + spacing(slot))
  redis.call('HSET', KEYS[2], ARGV[2], slot)
  redis.call('PEXPIRE', KEYS[2], slot - now + 600000)
  redis.call('PEXPIRE', KEYS[1], math.max(redis.call('PTTL', KEYS[1]), slot - now + 1000))
end
if slot > now then return slot - now end
redis.call('HDEL', KEYS[2], ARGV[2])
return 0
`;

// Shuts the gate until now + Retry-After (never earlier than it already was).
const holdScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local shut = math.max(now + tonumber(ARGV[1]), tonumber(redis.call('HGET', KEYS[1], 'until') or '0'))
redis.call('HSET', KEYS[1], 'until', shut)
redis.call('PEXPIRE', KEYS[1], math.max(redis.call('PTTL', KEYS[1]), shut - now + tonumber(ARGV[2])))
return shut
`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * After a 429: messages to the workspace 50 ms apart (20 a second) in the first second after the
 * Retry-After, 25 ms in the next, and so on; the gate's key lives `recoveryMs` past the Retry-After.
 */
export const gateResume = { intervalMs: 50, recoveryMs: 10_000 };

/**
 * About one message per second per channel (Slack's chat.postMessage limit), and nothing to a
 * workspace (`scope`: platform and tenant) during its Retry-After. A short wait is slept in the
 * job; a longer one becomes a PacedError, and the worker moves the job to the delayed set until
 * its slot instead of holding a concurrency slot.
 */
export class ChannelPacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly intervalMs = 1000,
    private readonly maxInlineWaitMs = 1000,
  ) {}

  /**
   * Returns when the message may go out now; throws PacedError when that is further away.
   * `scopeIntervalMs` also spaces every message of the workspace (a platform's limit per tenant).
   */
  async wait(channel: string, messageKey: string, scope?: string, scopeIntervalMs?: number): Promise<void> {
    if (scope) await this.untilOpen(scope, messageKey);
    await this.pace(`${this.prefix}:pace:{${channel}}`, this.intervalMs, messageKey);
    if (scope && scopeIntervalMs) await this.pace(`${this.prefix}:pace:{${scope}}`, scopeIntervalMs, messageKey);
    // Again right before the send: the channel's turn may have been slept through a 429 another worker got.
    if (scope) await this.untilOpen(scope, messageKey, 'recheck');
  }

  // One hash tag per channel (or workspace) keeps its keys in one slot on a Redis cluster.
  private pace(base: string, intervalMs: number, messageKey: string): Promise<void> {
    return this.waitFor(() => this.redis.eval(paceScript, 3, `${base}:next`, `${base}:held`, `${base}:last`, intervalMs, messageKey));
  }

  /** Returns at once unless the workspace is in a Retry-After now (then as `wait`): for calls before the message's own. */
  whileShut(scope: string, messageKey: string): Promise<void> {
    return this.untilOpen(scope, messageKey, 'recheck');
  }

  /** The platform said 429 for this workspace: every worker holds its messages for `retryAfterMs`. */
  async hold(scope: string, retryAfterMs: number): Promise<void> {
    await this.redis.eval(holdScript, 1, `${this.prefix}:gate:{${scope}}`, Math.max(0, Math.round(retryAfterMs)), gateResume.recoveryMs);
  }

  private untilOpen(scope: string, messageKey: string, mode: 'reserve' | 'recheck' = 'reserve'): Promise<void> {
    const base = `${this.prefix}:gate:{${scope}}`;
    return this.waitFor(() => this.redis.eval(gateScript, 2, base, `${base}:held`, gateResume.intervalMs, messageKey, mode));
  }

  private async waitFor(check: () => Promise<unknown>): Promise<void> {
    for (;;) {
      const waitMs = Number(await check());
      if (waitMs <= 0) return;
      if (waitMs > this.maxInlineWaitMs) throw new PacedError(Date.now() + waitMs);
      await sleep(waitMs);
    }
  }
}
