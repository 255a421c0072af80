import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How an API key looks and how the server knows its secret without storing it. A key is
 * `sfa_<prefix>_<secret>`: the prefix (12 base32 characters) is its public id, sent in
 * `X-SFA-Key` and shown in lists; the secret is HMAC-SHA256(ENCRYPTION_KEY, 'sfa-api-key:' +
 * prefix) in base64url, cut to 32 characters. The database keeps only SHA-256 of the whole key,
 * so the key can be recomputed (to check a signature) only by a process holding ENCRYPTION_KEY.
 */
export const apiKeyPrefixLength = 12;
export const apiKeySecretLength = 32;
const base32 = 'abcdefghijklmnopqrstuvwxyz234567';
export const apiKeyPattern = /^sfa_([a-z2-7]{12})_([A-Za-z0-9_-]{32})$/;
export const apiKeyPrefixPattern = /^[a-z2-7]{12}$/;

/** A fresh random prefix: 12 × 5 bits, unbiased (32 divides 256). */
export function newApiKeyPrefix(): string {
  return [...randomBytes(apiKeyPrefixLength)].map((b) => base32[b % 32]).join('');
}

export function apiKeySecret(encryptionKey: string, prefix: string): string {
  return createHmac('sha256', encryptionKey).update(`sfa-api-key:${prefix}`).digest('base64url').slice(0, apiKeySecretLength);
}

/** The whole key an admin is shown once, and the one a sender signs with. */
export function wholeApiKey(encryptionKey: string, prefix: string): string {
  return `sfa_${prefix}_${apiKeySecret(encryptionKey, prefix)}`;
}

export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The prefix of a whole key, or null when it is not shaped like one. */
export function prefixOfKey(key: string): string | null {
  return apiKeyPattern.exec(key)?.[1] ?? null;
}

/** Equal strings, in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
