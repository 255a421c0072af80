import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reply } from './context';
import type { Platform } from './context';

/**
 * An idempotency key from the platform's own ids, e.g. `slack.cmd.<trigger id>` or
 * `teams.msg.<user>.<activity id>`. Parts that could hold anything (Teams activity ids contain `:`,
 * which BullMQ job ids may not) are hashed; the key fits the 100 characters a source key may have.
 */
export function requestKey(platform: Platform, kind: string, ...parts: string[]): string {
  const safe = parts.map((p) => (/^[A-Za-z0-9._-]{1,80}$/.test(p) ? p : createHash('sha256').update(p).digest('base64url').slice(0, 22)));
  const key = [platform, kind, ...safe].join('.');
  return key.length <= 100 ? key : `${platform}.${kind}.${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32)}`;
}

/**
 * What the log keeps of a reply: a card that shows a secret once is kept as its stand-in, so the
 * secret is never stored and a redelivery cannot show it again.
 */
export function loggedReply(reply: Reply): Reply {
  if (reply.type !== 'card' || !reply.card.shownOnce) return reply;
  return { ...reply, card: reply.card.shownOnce };
}

export type LoggedRequest = { reply: Reply; answered: boolean; claimedAt: Date | null };

/**
 * The record of each chat interaction that wrote: written in the interaction's own transaction,
 * so "it happened" and "this was the answer" commit together or not at all.
 */
export const requestLog = {
  /** Records the reply; false when the key is already there (this delivery is a repeat, and must roll back). */
  async record(em: EntityManager, row: { tenantId: string; key: string; userId: string; reply: Reply; answerLater: boolean }): Promise<boolean> {
    const rows: unknown[] = await em.execute(
      `insert into chat_requests (tenant_id, key, user_id, reply, answer_claimed_at, answered_at) values (?, ?, ?, ?, ${row.answerLater ? 'clock_timestamp()' : 'null'}, ${row.answerLater ? 'null' : 'clock_timestamp()'})
       on conflict do nothing returning 1 as recorded`,
      [row.tenantId, row.key, row.userId, JSON.stringify(loggedReply(row.reply))],
    );
    return rows.length === 1;
  },

  async find(em: EntityManager, tenantId: string, key: string): Promise<LoggedRequest | null> {
    const rows: Array<{ reply: Reply; answered_at: Date | null; answer_claimed_at: Date | null }> = await em.execute(
      `select reply, answered_at, answer_claimed_at from chat_requests where tenant_id = ? and key = ?`,
      [tenantId, key],
    );
    const row = rows[0];
    return row ? { reply: row.reply, answered: row.answered_at !== null, claimedAt: row.answer_claimed_at } : null;
  },

  /** Takes the right to send the answer: unanswered, and unclaimed or claimed by someone who went quiet `staleMs` ago. */
  async claimAnswer(em: EntityManager, tenantId: string, key: string, staleMs: number): Promise<boolean> {
    const rows: unknown[] = await em.execute(
      `update chat_requests set answer_claimed_at = clock_timestamp()
        where tenant_id = ? and key = ? and answered_at is null
          and (answer_claimed_at is null or answer_claimed_at <= clock_timestamp() - (? * interval '1 millisecond'))
        returning 1 as claimed`,
      [tenantId, key, staleMs],
    );
    return rows.length === 1;
  },

  /** Sending failed: let the next try take it at once. */
  async releaseAnswer(em: EntityManager, tenantId: string, key: string): Promise<void> {
    await em.execute(`update chat_requests set answer_claimed_at = null where tenant_id = ? and key = ? and answered_at is null`, [tenantId, key]);
  },

  async markAnswered(em: EntityManager, tenantId: string, key: string): Promise<void> {
    await em.execute(`update chat_requests set answered_at = clock_timestamp() where tenant_id = ? and key = ?`, [tenantId, key]);
  },
};
