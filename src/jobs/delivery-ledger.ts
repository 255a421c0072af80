import { deliveries } from '../metrics';
import type { MikroORM } from '../db/orm';
import type { DeliveryStatus } from '../domain/deliveries/delivery.entity';
import {
  PacedError,
  PermanentDeliveryError,
  RateLimitedError,
  TransientDeliveryError,
  type DeliveryRef,
  type DeliveryResult,
} from './notifier';

type Claim = { claimed: true; uncertain: boolean; since: Date } | { claimed: false; status: DeliveryStatus };

/**
 * The deliveries table as a ledger of idempotency keys. A worker claims a key (status `sending`)
 * before it talks to the platform and marks it `sent` after, so a retried or duplicated job finds
 * the key taken. A claim older than the lease belongs to a worker that died: it may be taken over,
 * and because that worker may have reached the platform, the new attempt is flagged `uncertain`.
 */
export class DeliveryLedger {
  constructor(
    private readonly orm: MikroORM,
    /** Matches the job lock: a job only runs twice after its first run lost the lock. */
    private readonly leaseMs: number,
  ) {}

  private run<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    return this.orm.em.getConnection().execute(sql, params) as Promise<T[]>;
  }

  async peek(key: string): Promise<DeliveryStatus | null> {
    const rows = await this.run<{ status: DeliveryStatus }>(`select status from deliveries where idempotency_key = ?`, [key]);
    return rows[0]?.status ?? null;
  }

  async claim(ref: DeliveryRef): Promise<Claim> {
    const rows = await this.run<{ uncertain: boolean; since_ms: number }>(
      `insert into deliveries (tenant_id, idempotency_key, kind, user_id, channel, status, attempts, uncertain, claimed_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, 'sending', 1, false, now(), now(), now())
       on conflict (idempotency_key) do update
          set status = 'sending', attempts = deliveries.attempts + 1, claimed_at = now(), updated_at = now(),
              channel = coalesce(excluded.channel, deliveries.channel),
              uncertain = deliveries.uncertain or deliveries.status = 'sending'
        where deliveries.status = 'failed'
           or (deliveries.status = 'sending' and deliveries.claimed_at < now() - (? * interval '1 millisecond'))
       returning uncertain, (extract(epoch from created_at) * 1000)::float8 as since_ms`,
      [ref.tenantId, ref.key, ref.kind, ref.userId ?? null, ref.channel ?? null, this.leaseMs],
    );
    if (rows[0]) return { claimed: true, uncertain: rows[0].uncertain, since: new Date(rows[0].since_ms) };
    return { claimed: false, status: (await this.peek(ref.key)) ?? 'sending' };
  }

  /** Gives a claim back untouched (the message had to wait for its channel): not an attempt. */
  async release(key: string): Promise<void> {
    await this.run(`update deliveries set status = 'failed', attempts = greatest(attempts - 1, 0), updated_at = now() where idempotency_key = ? and status = 'sending'`, [key]);
  }

  async markSent(key: string, messageRef: string | null): Promise<void> {
    await this.run(`update deliveries set status = 'sent', sent_at = now(), message_ref = ?, error = null, updated_at = now() where idempotency_key = ?`, [messageRef, key]);
  }

  /** A retryable failure; `uncertain` when the platform may have received the message anyway. */
  async markFailed(key: string, error: string, uncertain: boolean): Promise<void> {
    await this.run(
      `update deliveries set status = 'failed', error = ?, uncertain = uncertain or ?, updated_at = now() where idempotency_key = ? and status = 'sending'`,
      [error.slice(0, 1000), uncertain, key],
    );
  }

  /** Gives up on the key (creating the row when the failure came before any claim); a sent key stays sent. */
  async markDead(ref: DeliveryRef, error: string): Promise<void> {
    await this.run(
      `insert into deliveries (tenant_id, idempotency_key, kind, user_id, channel, status, attempts, error, created_at, updated_at)
       values (?, ?, ?, ?, ?, 'dead', 1, ?, now(), now())
       on conflict (idempotency_key) do update set status = 'dead', error = excluded.error, updated_at = now()
        where deliveries.status <> 'sent'`,
      [ref.tenantId, ref.key, ref.kind, ref.userId ?? null, ref.channel ?? null, error.slice(0, 1000)],
    );
  }
}

/** What a 429 holds back: one platform's messages to one tenant's workspace. */
export const rateLimitScope = (platform: 'slack' | 'teams', tenantId: string) => `${platform}:${tenantId}`;

/** How a platform error should be handled; each notifier maps its platform's errors to these. */
export type Classified =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'permanent'; code: string }
  /** `uncertain`: the request may have reached the platform (timeout, connection reset, 5xx). */
  | { kind: 'transient'; code: string; uncertain: boolean };

/** A resolved destination: where the message goes, how to send it, how to look for an earlier copy. */
export type Transport = {
  channel: string;
  /**
   * Waits for the channel's turn (rate limits per channel) and for the workspace (`scope`) to be
   * out of a Retry-After; throws PacedError when that is far off.
   */
  pace(scope: string): Promise<void>;
  send(): Promise<string | null>;
  /** The platform's id of a message with this key posted since `since`, if any. */
  findPrevious(since: Date): Promise<string | null>;
};

/**
 * The one delivery protocol every notifier follows: resolve the destination, claim the key (a key
 * already sent or dead ends here), wait for the channel's turn, look for a copy an earlier
 * (crashed) attempt may have posted, send, record the result — and turn the platform's errors
 * into what the worker must do next.
 */
export async function deliverOnce(
  ledger: DeliveryLedger,
  platform: 'slack' | 'teams',
  ref: DeliveryRef,
  open: () => Promise<Transport>,
  classify: (err: unknown) => Classified,
): Promise<DeliveryResult> {
  try {
    const result = await deliverOnceUncounted(ledger, platform, ref, open, classify);
    deliveries.inc({ platform, kind: ref.kind, outcome: result.status });
    return result;
  } catch (err) {
    deliveries.inc({ platform, kind: ref.kind, outcome: err instanceof PermanentDeliveryError ? 'dead' : err instanceof RateLimitedError ? 'rate_limited' : err instanceof PacedError ? 'paced' : 'retried' });
    throw err;
  }
}

async function deliverOnceUncounted(
  ledger: DeliveryLedger,
  platform: 'slack' | 'teams',
  ref: DeliveryRef,
  open: () => Promise<Transport>,
  classify: (err: unknown) => Classified,
): Promise<DeliveryResult> {
  let transport: Transport;
  try {
    transport = await open();
  } catch (err) {
    throw await failure(ledger, platform, ref, err, classify, false);
  }
  const target = { ...ref, channel: transport.channel };
  const claim = await ledger.claim(target);
  if (!claim.claimed) {
    if (claim.status === 'sent') return { status: 'already_sent' };
    if (claim.status === 'dead') return { status: 'dead' };
    throw new TransientDeliveryError('claimed_by_another_worker', target);
  }
  try {
    await transport.pace(rateLimitScope(platform, ref.tenantId));
  } catch (err) {
    await ledger.release(ref.key);
    throw err instanceof PacedError ? err : await failure(ledger, platform, target, err, classify, false);
  }
  if (claim.uncertain) {
    let found: string | null;
    try {
      found = await transport.findPrevious(claim.since);
    } catch (err) {
      throw await failure(ledger, platform, target, err, classify, true);
    }
    if (found) {
      await ledger.markSent(ref.key, found);
      return { status: 'already_sent', ref: found };
    }
  }
  let messageRef: string | null;
  try {
    messageRef = await transport.send();
  } catch (err) {
    throw await failure(ledger, platform, target, err, classify, true);
  }
  await ledger.markSent(ref.key, messageRef);
  return { status: 'sent', ref: messageRef ?? undefined };
}

async function failure(ledger: DeliveryLedger, platform: 'slack' | 'teams', ref: DeliveryRef, err: unknown, classify: (err: unknown) => Classified, claimed: boolean): Promise<Error> {
  if (err instanceof PacedError) return err;
  const c = classify(err);
  if (c.kind === 'permanent') {
    await ledger.markDead(ref, c.code);
    return new PermanentDeliveryError(c.code, ref);
  }
  if (c.kind === 'rate_limited') {
    if (claimed) await ledger.markFailed(ref.key, 'rate_limited', false);
    return new RateLimitedError(c.retryAfterMs, ref, rateLimitScope(platform, ref.tenantId));
  }
  if (claimed) await ledger.markFailed(ref.key, c.code, c.uncertain);
  return new TransientDeliveryError(c.code, ref);
}
