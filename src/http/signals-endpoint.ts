import { isUtf8 } from 'node:buffer';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { MikroORM } from '../db/orm';
import { checkSignalBatch, signalLimits, type CheckedBatch, type EventProblem } from '../domain/signals/signal-input';
import { stageSignalBatch } from '../domain/signals/stage-signal-batch';
import type { JobDefinition } from '../jobs/job-definition';
import { onceEvery, storeOf } from '../jobs/quiet-log';
import { signalIntake, type IntakeAnswer } from '../jobs/signal-stream';
import { signalsProcessJob, type SignalsProcessData } from '../jobs/signals-process.job';
import type { Logger } from '../logger';
import { signalsReceived } from '../metrics';
import { ApiKeyCache, authenticate, replayId, type AuthRefusal } from './signals-auth';

export const signalsPath = '/api/signals';

/** How long a seen signature is remembered: longer than it can be valid (± the window). */
const replayMemoryMs = 2 * signalLimits.signatureWindowSeconds * 1000 + 60_000;
/** A Redis that does not confirm within this is treated as down: the request is staged in PostgreSQL instead. */
const redisWaitMs = 300;
/** How long the PostgreSQL fallback may take before the request is refused with 503 (try again). */
const postgresWaitMs = 2000;
/** `api_keys.last_used_at` is written at most this often per key. */
const lastUsedEveryMs = 60_000;
/** A second's processing job starts this long after the second ends (clocks of web and worker may differ a little). */
const settleMs = 250;

export type SignalsDeps = {
  orm: MikroORM;
  logger: Logger;
  /** Rate limits, seen signatures and the staged requests (shared by every replica). */
  redis: Redis;
  /** Hands the tenant's processing to the worker; a failure is logged, the request is staged already (the sweep finds it). */
  enqueue: <D extends object>(job: JobDefinition<D>, data: D, options?: { delay?: number }) => Promise<unknown>;
  encryptionKey?: string;
  /** Key prefix in Redis (the queue prefix, so deployments sharing a Redis stay apart). */
  redisPrefix: string;
  limits: { eventsPerMinute: number; requestsPerSecond: number };
  now?: () => number;
};

type Answer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };
const refusal = (error: AuthRefusal): Answer => ({ status: 401, body: { ok: false, error } });
const badRequest = (message: string): Answer => ({ status: 400, body: { ok: false, error: 'bad_request', message } });

/**
 * `POST /api/signals`: behaviour events from a tenant's other systems. Authenticated by an API
 * key (signed, or bearer over https; what a replica read of a key is trusted for 1 s), each event
 * checked on its own (one compiled JSON Schema), then — in one Redis script call — limited per
 * key, checked for replay and staged as it came: an entry in the tenant's Redis stream (the body
 * and the indexes of the events to leave out), durable once Redis confirms it (AOF, like a chat
 * command). When Redis does not confirm within 300 ms, or is down, the request is staged in
 * PostgreSQL instead (one `signal_batches` row) and goes through unlimited — event ids keep a
 * repeated request harmless; only a request neither store took is refused (503). The worker is
 * asked to expand and process it; the answer (202) comes before any processing.
 */
export function mountSignalsApi(app: Express, deps: SignalsDeps): void {
  const now = deps.now ?? Date.now;
  const warn = onceEvery(deps.logger);
  const redisProblem = (what: string) => (err: unknown) => warn(`signals ${what}`, { err: (err as Error).message, store: storeOf(err) ?? 'Redis' }, `signals: ${what} skipped (Redis did not answer); requests go through, staged in PostgreSQL`);
  const intake = signalIntake(deps.redis, deps.redisPrefix, deps.limits, replayMemoryMs);
  const keys = new ApiKeyCache(undefined, now);
  const lastUsedWritten = new Map<string, number>();
  const enqueuedFor = new Map<string, number>();

  /**
   * One processing job per tenant per second a request was stored in, delayed until just after
   * that second: every request that names the second was stored before the job starts, so none
   * finds its job already done (which would leave its batch to the sweep). A second already
   * enqueued by this process is not sent to Redis again (it would be a no-op there).
   */
  async function enqueueProcessing(tenantId: string): Promise<void> {
    const storedAt = now();
    const bucket = Math.floor(storedAt / 1000);
    if (enqueuedFor.get(tenantId) === bucket) return;
    const data: SignalsProcessData = { tenantId, bucket };
    try {
      await deps.enqueue(signalsProcessJob, data, { delay: (bucket + 1) * 1000 + settleMs - storedAt });
      if (enqueuedFor.size > 10_000) enqueuedFor.clear();
      enqueuedFor.set(tenantId, bucket);
    } catch (err) {
      redisProblem('processing job')(err);
    }
  }

  /**
   * Limits, replay check and (with events to keep) staging, in one script call. Null when Redis
   * did not answer in time (or is down): the request goes through unlimited, and what it keeps
   * goes to PostgreSQL. A late answer may still have staged it: then it is in both, and the
   * event ids make the second copy harmless.
   */
  async function askRedis(request: Parameters<typeof intake>[0]): Promise<IntakeAnswer | null> {
    if (deps.redis.status !== 'ready') {
      redisProblem('rate limit, replay check and staging')(new Error(`Redis connection is ${deps.redis.status}`));
      return null;
    }
    try {
      return await within(intake(request), redisWaitMs, 'Redis');
    } catch (err) {
      redisProblem('rate limit, replay check and staging')(err);
      return null;
    }
  }

  function noteUse(keyId: string, lastUsedAt: Date | null, at: number): void {
    const last = Math.max(lastUsedWritten.get(keyId) ?? 0, lastUsedAt?.getTime() ?? 0);
    if (at - last < lastUsedEveryMs) return;
    lastUsedWritten.set(keyId, at);
    if (lastUsedWritten.size > 10_000) lastUsedWritten.clear();
    void deps.orm.em
      .fork()
      .execute(`update api_keys set last_used_at = now() where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')`, [keyId])
      .catch((err: Error) => deps.logger.warn({ err: err.message }, 'signals: could not note when a key was last used'));
  }

  async function handle(req: Request): Promise<Answer> {
    const at = now();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const em = deps.orm.em.fork();
    const auth = await authenticate(em, { headers: req.headers, secure: req.secure, remoteAddress: req.socket.remoteAddress, body, nowMs: at }, deps.encryptionKey, keys);
    if ('unconfigured' in auth) return { status: 503, body: { ok: false, error: 'not_configured', message: 'this server has no ENCRYPTION_KEY, so it cannot check signatures' } };
    if ('refused' in auth) return refusal(auth.refused);

    const read = readBatch(body, at);
    if ('status' in read) return read;
    const { checked, events, kept } = read;
    const tenantId = auth.key.tenantId;
    const seen = auth.scheme === 'signed' ? replayId(auth.signature) : null;
    const answer = await askRedis({ tenantId, apiKeyId: auth.key.id, seen, events, stage: checked.accepted > 0, skip: checked.skip, body: kept });
    if (answer && 'limitedMs' in answer) {
      const retryAfter = Math.max(1, Math.ceil(answer.limitedMs / 1000));
      return { status: 429, body: { ok: false, error: 'rate_limited', retryAfter }, headers: { 'Retry-After': String(retryAfter) } };
    }
    if (answer && 'replayed' in answer) return refusal('replayed');
    noteUse(auth.key.id, auth.key.lastUsedAt, at);
    if (checked.accepted === 0) {
      signalsReceived.inc({ outcome: 'rejected' }, checked.rejected.length);
      return { status: 422, body: { ok: false, accepted: 0, duplicates: 0, rejected: checked.rejected } };
    }
    if (!answer?.staged) {
      // Redis did not confirm: the request waits in PostgreSQL instead (the worker expands both).
      try {
        await within(stageSignalBatch(em, { tenantId, apiKeyId: auth.key.id, body: kept, skip: checked.skip }), postgresWaitMs, 'PostgreSQL');
      } catch (err) {
        // Neither store confirmed: nothing may be promised, and the same signed request may be sent again.
        deps.logger.warn({ err: (err as Error).message }, 'signals: neither Redis nor PostgreSQL took the request; answered 503');
        if (seen) void deps.redis.del(`${deps.redisPrefix}:signals:seen:${seen}`).catch(() => undefined);
        return { status: 503, body: { ok: false, error: 'try_again', message: 'the request could not be stored; send it again' }, headers: { 'Retry-After': '1' } };
      }
    }
    await enqueueProcessing(tenantId);
    signalsReceived.inc({ outcome: 'accepted' }, checked.accepted);
    if (checked.duplicates) signalsReceived.inc({ outcome: 'duplicate' }, checked.duplicates);
    if (checked.rejected.length) signalsReceived.inc({ outcome: 'rejected' }, checked.rejected.length);
    return { status: 202, body: { ok: true, accepted: checked.accepted, duplicates: checked.duplicates, rejected: checked.rejected satisfies EventProblem[] } };
  }

  const raw = express.raw({ type: () => true, limit: signalLimits.maxBodyBytes });
  app.post(signalsPath, raw, async (req: Request, res: Response) => {
    const answer = await handle(req);
    if (answer.status !== 202 && answer.status !== 422) signalsReceived.inc({ outcome: 'refused' });
    res.status(answer.status).set(answer.headers ?? {}).json(answer.body);
  });
  // The body parser's refusals (too large, a broken encoding) in this API's own words.
  app.use(signalsPath, (err: Error & { status?: number; expose?: boolean }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !(err.expose && typeof err.status === 'number' && err.status < 500)) return next(err);
    signalsReceived.inc({ outcome: 'refused' });
    res.status(err.status).json(err.status === 413 ? { ok: false, error: 'payload_too_large', message: `the body may be at most ${signalLimits.maxBodyBytes} bytes` } : { ok: false, error: 'bad_request', message: 'the body could not be read' });
  });
}

/**
 * The body parsed and checked, in one synchronous step: nothing of the parsed batch (a thousand
 * events, some megabytes of objects) outlives it — only the counts, the problems and the bytes
 * to stage — so a request waiting for Redis keeps no garbage alive for the collector to copy.
 */
function readBatch(body: Buffer, at: number): Answer | { checked: CheckedBatch; events: number; kept: Buffer | string } {
  // Decoded once, for parsing; the bytes are what is stored (the worker expands them).
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return badRequest('the body is not JSON');
  }
  if (!isBatch(parsed)) return badRequest('the body must be an object with an "events" array');
  const events = parsed.events.length;
  if (events === 0) return badRequest('"events" is empty');
  if (events > signalLimits.maxEvents) return { status: 413, body: { ok: false, error: 'batch_too_large', message: `at most ${signalLimits.maxEvents} events per request` } };
  const checked = checkSignalBatch(parsed, new Date(at), { suspicious: hasRiskyEscape(body) });
  return { checked, events, kept: isUtf8(body) ? body : text };
}

const isBatch = (value: unknown): value is { events: unknown[] } => typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray((value as { events?: unknown }).events);

/** A `\u0000` or `\uDxxx` escape: a NUL or a surrogate may be in the events, which jsonb cannot keep (the check then looks). */
function hasRiskyEscape(body: Buffer): boolean {
  for (let at = body.indexOf('\\u'); at >= 0; at = body.indexOf('\\u', at + 2)) {
    const next = body[at + 2];
    if (next === 0x64 || next === 0x44 || (next === 0x30 && body.toString('latin1', at + 2, at + 6) === '0000')) return true;
  }
  return false;
}

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);
