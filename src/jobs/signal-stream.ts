import os from 'node:os';
import type { Redis } from 'ioredis';
import type { EntityManager } from '@mikro-orm/postgresql';
import { batchesPerTransaction, expandStagedBodies, type ExpandedBatches, type StagedBody } from '../domain/signals/expand-signal-batches';

/**
 * Where `POST /api/signals` stages an accepted request when Redis confirms it (AOF, `noeviction`:
 * a confirmed write is durable, as for chat commands): one stream per tenant under the queue
 * prefix, an entry per request — `t` tenant, `k` key id, `s` skip indexes (`1,5`), `b` the body
 * as received. A set names the tenants that have one, for the sweep.
 */
export const stagedStreamKey = (prefix: string, tenantId: string): string => `${prefix}:signals:staged:${tenantId}`;
export const stagedTenantsKey = (prefix: string): string => `${prefix}:signals:staged-tenants`;
/** The consumer group every worker reads the streams in. */
export const stagedGroup = 'expanders';

export type StreamEntry = StagedBody & { id: string };

type RawEntry = [id: string, fields: string[]];

function entryOf([id, fields]: RawEntry): StreamEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  return {
    id,
    apiKeyId: f.k || null,
    body: f.b ?? '{"events":[]}',
    skip: f.s ? f.s.split(',').map(Number) : [],
    receivedAt: new Date(Number(id.split('-')[0])),
  };
}

/**
 * A worker's side of the staged streams: entries are read in the consumer group (each delivered
 * to one worker), stored in PostgreSQL by the caller, and only then acknowledged and deleted.
 * An entry a worker read but never acknowledged (it died, or its transaction failed) is claimed
 * by the next reader once it has been idle for `claimIdleMs` (JOB_LOCK_MS).
 */
export class SignalStream {
  private readonly groups = new Set<string>();

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    readonly claimIdleMs: number,
    readonly consumer = `${os.hostname()}-${process.pid}`,
  ) {}

  private async group(key: string): Promise<void> {
    if (this.groups.has(key)) return;
    try {
      await this.redis.xgroup('CREATE', key, stagedGroup, '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
    this.groups.add(key);
  }

  /** Up to `count` entries of the tenant: first those another reader left idle too long, then new ones. */
  async take(tenantId: string, count: number): Promise<StreamEntry[]> {
    const key = stagedStreamKey(this.prefix, tenantId);
    try {
      return await this.read(key, count);
    } catch (err) {
      // The stream (and its group) went away since this process made it (deleted, or Redis lost it): made again.
      if (!/NOGROUP/.test((err as Error).message)) throw err;
      this.groups.delete(key);
      return this.read(key, count);
    }
  }

  private async read(key: string, count: number): Promise<StreamEntry[]> {
    await this.group(key);
    const claimed = (await this.redis.xautoclaim(key, stagedGroup, this.consumer, this.claimIdleMs, '0-0', 'COUNT', count)) as [string, RawEntry[], string[]?];
    const stale = (claimed[1] ?? []).filter((e) => e && Array.isArray(e[1]));
    if (stale.length) return stale.map(entryOf);
    const read = (await this.redis.xreadgroup('GROUP', stagedGroup, this.consumer, 'COUNT', count, 'STREAMS', key, '>')) as Array<[string, RawEntry[]]> | null;
    return (read?.[0]?.[1] ?? []).map(entryOf);
  }

  /** After the events are committed: the entries are done (acknowledged and removed, in one step). */
  async done(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const key = stagedStreamKey(this.prefix, tenantId);
    await this.redis.multi().xack(key, stagedGroup, ...ids).xdel(key, ...ids).exec();
  }

  /** Tenants whose oldest staged entry (read or not) arrived before `before`: their processing job may have been lost. */
  async strandedTenants(before: number): Promise<string[]> {
    const tenants = await this.redis.smembers(stagedTenantsKey(this.prefix));
    if (tenants.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const t of tenants) pipeline.xrange(stagedStreamKey(this.prefix, t), '-', '+', 'COUNT', 1);
    const answers = (await pipeline.exec()) ?? [];
    return tenants.filter((_, i) => {
      const first = (answers[i]?.[1] as RawEntry[] | undefined)?.[0];
      return !!first && Number(first[0].split('-')[0]) < before;
    });
  }

  /** Entries staged and not yet done, over every tenant (a gauge): how far the workers are behind. */
  async backlog(): Promise<number> {
    const tenants = await this.redis.smembers(stagedTenantsKey(this.prefix));
    if (tenants.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const t of tenants) pipeline.xlen(stagedStreamKey(this.prefix, t));
    return ((await pipeline.exec()) ?? []).reduce((n, [, len]) => n + Number(len ?? 0), 0);
  }
}

/**
 * What a signals request asks Redis before it is staged, in one script call (atomic): the two
 * per-key limits (fixed windows: a second's requests, a
 * minute's events) and the replay check of a signed request (its signature remembered); with
 * events to keep, the tenant is named in the staged-tenants set (for the sweep). Refused by a
 * limit or as a replay, nothing is marked. The body is not an argument: a script copies its
 * arguments (Lua strings, then Redis objects) — for 300 KB that doubled what Redis spent on a
 * request — so it goes in a plain XADD right after (`signalIntake`).
 *
 * KEYS: per-second counter, per-minute counter, seen signature, staged tenants.
 * ARGV: requests/s, events/min, events, replay memory ms, signed (1/0), stage (1/0), tenant.
 * Answers `{'limited', ms until the window ends}`, `{'replayed'}` or `{'ok'}`.
 */
const intakeLua = `
local function over(key, points, limit, ms)
  redis.call('set', key, 0, 'PX', ms, 'NX')
  if redis.call('incrby', key, points) > limit then
    local left = redis.call('pttl', key)
    if left < 0 then left = ms end
    return left
  end
  return nil
end
local wait = over(KEYS[1], 1, tonumber(ARGV[1]), 1000)
if wait then return {'limited', wait} end
wait = over(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[2]), 60000)
if wait then return {'limited', wait} end
if ARGV[5] == '1' and not redis.call('set', KEYS[3], '1', 'PX', ARGV[4], 'NX') then return {'replayed'} end
if ARGV[6] == '1' then redis.call('sadd', KEYS[4], ARGV[7]) end
return {'ok'}`;

export type IntakeRequest = {
  tenantId: string;
  apiKeyId: string;
  /** The replay id of a signed request (null for bearer). */
  seen: string | null;
  events: number;
  /** Nothing to keep (every event rejected): only the limits and the replay check. */
  stage: boolean;
  skip: number[];
  body: Buffer | string;
};
/** Limited (ms until there is room), a replay, or taken: `staged` is the stream entry's id (null when there was nothing to keep). */
export type IntakeAnswer = { limitedMs: number } | { replayed: true } | { staged: string | null };

type IntakeRedis = Redis & { sfaSignalIntake(...args: Array<string | number>): Promise<[string, (string | number)?]> };

/**
 * The endpoint's side: the script (limits, replay), then — unless it refused — the entry in the
 * tenant's stream, the body handed to Redis as the Buffer it arrived in (no copy). Two round
 * trips, each small for Redis; the caller bounds the whole with its wait.
 */
export function signalIntake(redis: Redis, prefix: string, limits: { eventsPerMinute: number; requestsPerSecond: number }, replayMemoryMs: number) {
  const r = redis as IntakeRedis;
  if (typeof r.sfaSignalIntake !== 'function') redis.defineCommand('sfaSignalIntake', { numberOfKeys: 4, lua: intakeLua });
  return async (q: IntakeRequest): Promise<IntakeAnswer> => {
    const [what, value] = await r.sfaSignalIntake(
      `${prefix}:signals:rps:${q.apiKeyId}`, `${prefix}:signals:epm:${q.apiKeyId}`, `${prefix}:signals:seen:${q.seen ?? '-'}`, stagedTenantsKey(prefix),
      limits.requestsPerSecond, limits.eventsPerMinute, Math.max(1, q.events), replayMemoryMs, q.seen ? 1 : 0, q.stage ? 1 : 0, q.tenantId,
    );
    if (what === 'limited') return { limitedMs: Number(value) };
    if (what === 'replayed') return { replayed: true };
    if (!q.stage) return { staged: null };
    const id = await redis.xadd(stagedStreamKey(prefix, q.tenantId), '*', 't', q.tenantId, 'k', q.apiKeyId, 's', q.skip.join(','), 'b', q.body);
    return { staged: id };
  };
}

/**
 * One step of draining a tenant's stream: up to a few entries taken, their events committed to
 * PostgreSQL, then the entries acknowledged and deleted. A crash between the commit and the
 * acknowledgement leaves the entries to be claimed again; their events are then found stored.
 */
export async function expandStreamStep(em: EntityManager, stream: SignalStream, tenantId: string): Promise<ExpandedBatches> {
  const entries = await stream.take(tenantId, batchesPerTransaction);
  if (entries.length === 0) return { batches: 0, inserted: 0, duplicates: 0 };
  const ids = entries.map((e) => e.id);
  let expanded: ExpandedBatches;
  try {
    expanded = await expandStagedBodies(em, tenantId, entries);
  } catch (err) {
    // The tenant was deleted (its events cannot be stored): its staged requests go with it.
    if (String((err as { code?: unknown }).code) !== '23503' || (await tenantExists(em, tenantId))) throw err;
    await stream.done(tenantId, ids);
    return { batches: entries.length, inserted: 0, duplicates: 0 };
  }
  await stream.done(tenantId, ids);
  return expanded;
}

const tenantExists = async (em: EntityManager, tenantId: string): Promise<boolean> =>
  ((await em.fork().getConnection().execute(`select 1 from tenants where id = ?`, [tenantId])) as unknown[]).length > 0;
