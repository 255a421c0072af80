import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import { apiKeyHash, apiKeyPrefixPattern, prefixOfKey, sameSecret, wholeApiKey } from '../domain/signals/api-key-format';
import { signalLimits } from '../domain/signals/signal-input';

export type AuthRefusal = 'unknown_key' | 'revoked_key' | 'bad_signature' | 'stale_timestamp' | 'replayed' | 'https_required' | 'missing_auth';

/** The key a request was made with, once it is known to be the tenant's and not revoked. */
export type AuthenticatedKey = { id: string; tenantId: string; prefix: string; lastUsedAt: Date | null };

/** How the request proved it holds the key; `signature` is what a replay would repeat. */
export type Authenticated = { key: AuthenticatedKey; scheme: 'signed'; signature: string } | { key: AuthenticatedKey; scheme: 'bearer' };

type KeyRow = { id: string; tenant_id: string; prefix: string; key_hash: string; revoked_at: Date | null; last_used_at: Date | null };

/** How long a replica trusts what it read of a key: a revoked key is refused on every replica within this. */
export const apiKeyCacheMs = 1000;

type Cached = { row: KeyRow | null; until: number; whole?: string };

/**
 * The keys a process has read lately, each for at most `ttlMs` (one indexed row otherwise read on
 * every request; at a thousand events a request that read was a tenth of the endpoint's time).
 * Unknown prefixes are remembered too (a sender with a deleted key cannot make every request a
 * query), the map is emptied when it grows past 10,000. Also keeps a signed key's recomputed
 * secret, so the secret is derived once per key and period, not per request.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, Cached>();

  constructor(readonly ttlMs = apiKeyCacheMs, private readonly now: () => number = Date.now) {}

  async get(em: EntityManager, prefix: string): Promise<Cached> {
    const at = this.now();
    const hit = this.entries.get(prefix);
    if (hit && hit.until > at) return hit;
    const entry: Cached = { row: await readKey(em, prefix), until: at + this.ttlMs };
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(prefix, entry);
    return entry;
  }
}

/** One indexed row: the key and whether (and when) it was revoked. */
async function readKey(em: EntityManager, prefix: string): Promise<KeyRow | null> {
  const rows: KeyRow[] = await em.execute(`select id, tenant_id, prefix, key_hash, revoked_at, last_used_at from api_keys where prefix = ?`, [prefix]);
  return rows[0] ?? null;
}

/** Read on every request unless a cache is given (then at most `ttlMs` old): a revoked key is refused from then on, on every replica. */
async function keyByPrefix(em: EntityManager, prefix: string, cache?: ApiKeyCache): Promise<Cached | null> {
  if (!apiKeyPrefixPattern.test(prefix)) return null;
  if (cache) return cache.get(em, prefix);
  return { row: await readKey(em, prefix), until: 0 };
}

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

const loopback = (address: string | undefined): boolean => !!address && (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address));

/**
 * A bearer key travels in the clear unless the request came over TLS: accepted when this server
 * terminated TLS, when the proxy in front says the client used https (`X-Forwarded-Proto`), or
 * from this machine itself (a local relay, tests) — unless a proxy says it forwarded the request
 * for someone else over plain http.
 */
export function bearerAllowed(req: { secure: boolean; headers: IncomingHttpHeaders; remoteAddress?: string }): boolean {
  const proto = one(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase();
  if (proto === 'https') return true;
  if (proto) return false;
  if (req.secure) return true;
  const forwardedFor = one(req.headers['x-forwarded-for'])?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  return loopback(req.remoteAddress) && forwardedFor.every(loopback);
}

/** The signature a sender computes: `v1=` and hex HMAC-SHA256(key, "v1:" + timestamp + ":" + body). */
export function signatureOf(key: string, timestamp: string, body: Buffer): string {
  return `v1=${createHmac('sha256', key).update(`v1:${timestamp}:`).update(body).digest('hex')}`;
}

/** What identifies a signed request for the replay check (the signature covers timestamp and body). */
export const replayId = (signature: string): string => createHash('sha256').update(signature).digest('hex').slice(0, 40);

export type AuthInput = { headers: IncomingHttpHeaders; secure: boolean; remoteAddress?: string; body: Buffer; nowMs: number };

/**
 * Who sent the request, or why it is refused. Signed (`X-SFA-Key`, `X-SFA-Timestamp`,
 * `X-SFA-Signature`) or `Authorization: Bearer <key>` over https. The replay check is the
 * caller's (it marks the signature as seen only once the request is otherwise acceptable).
 * `null` encryption key: the server cannot recompute keys, so signed requests cannot be checked.
 */
export async function authenticate(em: EntityManager, input: AuthInput, encryptionKey: string | undefined, cache?: ApiKeyCache): Promise<Authenticated | { refused: AuthRefusal } | { unconfigured: true }> {
  const h = input.headers;
  const prefixHeader = one(h['x-sfa-key']);
  const timestamp = one(h['x-sfa-timestamp']);
  const signature = one(h['x-sfa-signature']);
  const authorization = one(h.authorization);
  if (prefixHeader !== undefined || timestamp !== undefined || signature !== undefined) {
    if (!prefixHeader || !timestamp || !signature) return { refused: 'missing_auth' };
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(input.nowMs / 1000 - Number(timestamp)) > signalLimits.signatureWindowSeconds) return { refused: 'stale_timestamp' };
    const found = await keyByPrefix(em, prefixHeader.trim().toLowerCase(), cache);
    const row = found?.row;
    if (!found || !row) return { refused: 'unknown_key' };
    if (row.revoked_at) return { refused: 'revoked_key' };
    if (!encryptionKey) return { unconfigured: true };
    const key = found.whole ?? wholeApiKey(encryptionKey, row.prefix);
    // A different ENCRYPTION_KEY than the key was made with derives another secret: nothing it signs can match.
    if (found.whole === undefined) {
      if (!sameSecret(apiKeyHash(key), row.key_hash)) return { refused: 'bad_signature' };
      found.whole = key;
    }
    if (signature.length > 100 || !sameSecret(signatureOf(key, timestamp, input.body), signature.trim().toLowerCase())) return { refused: 'bad_signature' };
    return { key: keyOf(row), scheme: 'signed', signature: signature.trim().toLowerCase() };
  }
  const bearer = authorization && /^Bearer\s+(\S{1,200})\s*$/i.exec(authorization)?.[1];
  if (!bearer) return { refused: 'missing_auth' };
  if (!bearerAllowed(input)) return { refused: 'https_required' };
  const prefix = prefixOfKey(bearer);
  const row = prefix ? (await keyByPrefix(em, prefix, cache))?.row : null;
  // A known prefix with the wrong secret is an unknown key: nothing says which part was wrong.
  if (!row || !sameSecret(apiKeyHash(bearer), row.key_hash)) return { refused: 'unknown_key' };
  if (row.revoked_at) return { refused: 'revoked_key' };
  return { key: keyOf(row), scheme: 'bearer' };
}

const keyOf = (row: KeyRow): AuthenticatedKey => ({ id: row.id, tenantId: row.tenant_id, prefix: row.prefix, lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null });
