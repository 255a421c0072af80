import { createHash } from 'node:crypto';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { MikroORM } from '../../db/orm';
import { User } from '../../domain/org/user.entity';
import { renderCardBlocks } from '../../cards/slack';
import type { ChannelPacer } from '../../jobs/channel-pacer';
import { deliverOnce, rateLimitScope, type Classified, type DeliveryLedger, type Transport } from '../../jobs/delivery-ledger';
import type { ChannelMessage, DeliveryRef, DeliveryResult, DirectMessage, FileMessage, Notifier } from '../../jobs/notifier';
import type { Logger } from '../../logger';
import type { CardModel } from '../../cards/reply-model';
import { SlackClients, SlackTargetError } from './slack-clients';

/** Slack answers that no retry will change: the message is dead-lettered and shown to admins. */
const permanentErrors = new Set([
  'user_not_found',
  'channel_not_found',
  'is_archived',
  'account_inactive',
  'not_in_channel',
  'user_disabled',
  'cannot_dm_bot',
  'restricted_action',
  'token_revoked',
  'invalid_auth',
  'not_authed',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
  // Our own, before Slack is asked:
  'user_not_on_slack',
  'workspace_not_connected',
]);

/** The message metadata type that carries a delivery's idempotency key inside the Slack message. */
export const deliveryEventType = 'sfa_delivery';

export function classifySlackError(err: unknown): Classified {
  if (err instanceof SlackTargetError) return { kind: 'permanent', code: err.code };
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (e.code === ErrorCode.RateLimitedError) return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
  if (e.code === ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    // Slack answered: the message was not posted, whatever the error.
    return permanentErrors.has(code) ? { kind: 'permanent', code } : { kind: 'transient', code, uncertain: false };
  }
  if (e.code === ErrorCode.HTTPError) return { kind: 'transient', code: 'http_error', uncertain: true };
  // Timeouts and broken connections: Slack may have posted before we lost the answer.
  if (e.code === ErrorCode.RequestError) return { kind: 'transient', code: 'request_error', uncertain: true };
  return { kind: 'transient', code: (e.message ?? 'error').slice(0, 100), uncertain: false };
}

export type SlackNotifierOptions = {
  orm: MikroORM;
  slack: Config['slack'];
  encryptionKey?: string;
  ledger: DeliveryLedger;
  pacer: ChannelPacer;
  logger: Logger;
  /** Shared cache of DM channel ids, so each person costs one conversations.open across all workers. */
  redis?: Redis;
  keyPrefix?: string;
  /** Shared with the command runner; made from the options above when absent. */
  clients?: SlackClients;
};

/**
 * Delivers cards as Slack DMs and channel posts with the tenant's bot token: the single-workspace
 * SLACK_BOT_TOKEN, or the tenant's OAuth installation. Each message carries its idempotency key
 * as message metadata, so after a crash mid-send the next attempt can find the copy Slack already
 * has instead of posting again (this look-up needs the `im:history` scope for DMs; without it the
 * next attempt posts).
 */
export class SlackNotifier implements Notifier {
  private readonly dmChannels = new Map<string, string>();
  private readonly people = new Map<string, { slackUserId: string | null; until: number }>();
  private warnedHistory = false;

  private readonly clients: SlackClients;

  constructor(private readonly opts: SlackNotifierOptions) {
    this.clients = opts.clients ?? new SlackClients(opts);
  }

  sendDirect(m: DirectMessage): Promise<DeliveryResult> {
    const ref: DeliveryRef = { key: m.idempotencyKey, tenantId: m.tenantId, kind: m.kind, userId: m.userId };
    return deliverOnce(this.opts.ledger, 'slack', ref, async () => {
      const slackUserId = await this.slackUserOf(m.tenantId, m.userId);
      const client = await this.clients.clientFor(m.tenantId);
      const channel = await this.openDm(client, m.tenantId, slackUserId, m.idempotencyKey);
      return this.transport(client, channel, m.card, m.idempotencyKey);
    }, classifySlackError);
  }

  postToChannel(m: ChannelMessage): Promise<DeliveryResult> {
    const ref: DeliveryRef = { key: m.idempotencyKey, tenantId: m.tenantId, kind: m.kind, channel: m.channelId };
    return deliverOnce(this.opts.ledger, 'slack', ref, async () => this.transport(await this.clients.clientFor(m.tenantId), m.channelId, m.card, m.idempotencyKey), classifySlackError);
  }

  /**
   * Uploads the files (files.getUploadURLExternal → the bytes → files.completeUploadExternal) and
   * shares them with the text as their comment. The file names carry a hash of the idempotency
   * key: that is how a worker taking over finds a copy already shared.
   */
  postFiles(m: FileMessage): Promise<DeliveryResult> {
    const ref: DeliveryRef = { key: m.idempotencyKey, tenantId: m.tenantId, kind: m.kind, ...('userId' in m.to ? { userId: m.to.userId } : { channel: m.to.channelId }) };
    const tag = createHash('sha256').update(m.idempotencyKey).digest('hex').slice(0, 12);
    const named = m.files.map((f) => ({ ...f, filename: f.filename.replace(/(\.[a-z0-9]+)?$/i, (ext) => `-${tag}${ext}`) }));
    return deliverOnce(this.opts.ledger, 'slack', ref, async () => {
      const client = await this.clients.clientFor(m.tenantId);
      const channel = 'userId' in m.to ? await this.openDm(client, m.tenantId, await this.slackUserOf(m.tenantId, m.to.userId), m.idempotencyKey) : m.to.channelId;
      return {
        channel,
        pace: (scope) => this.opts.pacer.wait(channel, m.idempotencyKey, scope),
        send: async () => {
          const res = (await client.filesUploadV2({
            channel_id: channel,
            initial_comment: m.text,
            file_uploads: named.map((f) => ({ file: f.bytes, filename: f.filename, title: f.title, ...(f.altText ? { alt_text: f.altText } : {}) })),
          })) as { files?: Array<{ files?: Array<{ id?: string }> }> };
          return res.files?.[0]?.files?.[0]?.id ?? null;
        },
        findPrevious: (since) => this.findPreviousFile(client, channel, tag, since),
      };
    }, classifySlackError);
  }

  private async findPreviousFile(client: WebClient, channel: string, tag: string, since: Date): Promise<string | null> {
    try {
      const res = await client.conversations.history({ channel, oldest: String(since.getTime() / 1000 - 60), limit: 200 });
      for (const msg of res.messages ?? []) {
        const file = (msg as { files?: Array<{ id?: string; name?: string }> }).files?.find((f) => f.name?.includes(tag));
        if (file?.id) return file.id;
      }
      return null;
    } catch {
      // Without history access (scope, not a member) the next attempt shares again.
      return null;
    }
  }

  private transport(client: WebClient, channel: string, card: CardModel, key: string): Transport {
    return {
      channel,
      pace: (scope) => this.opts.pacer.wait(channel, key, scope),
      send: async () => {
        const res = await client.chat.postMessage({ channel, ...renderCardBlocks(card), metadata: { event_type: deliveryEventType, event_payload: { key } } });
        return res.ts ?? null;
      },
      findPrevious: (since) => this.findPrevious(client, channel, key, since),
    };
  }

  private async findPrevious(client: WebClient, channel: string, key: string, since: Date): Promise<string | null> {
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      let res;
      try {
        res = await client.conversations.history({ channel, oldest: String(since.getTime() / 1000 - 60), limit: 200, include_all_metadata: true, cursor });
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        if (code === 'missing_scope' || code === 'not_in_channel') {
          if (!this.warnedHistory) this.opts.logger.warn({ code }, 'cannot read channel history to check for an earlier copy: add the im:history scope');
          this.warnedHistory = true;
          return null;
        }
        throw err;
      }
      const found = res.messages?.find((msg) => {
        const meta = (msg as { metadata?: { event_type?: string; event_payload?: { key?: string } } }).metadata;
        return meta?.event_type === deliveryEventType && meta.event_payload?.key === key;
      });
      if (found?.ts) return found.ts;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  }

  /** The user's Slack id, remembered for a minute (a reminder burst asks for the same people). */
  private async slackUserOf(tenantId: string, userId: string): Promise<string> {
    const cacheKey = `${tenantId}:${userId}`;
    let known = this.people.get(cacheKey);
    if (!known || known.until < Date.now()) {
      const user = await this.opts.orm.em.fork().findOne(User, { id: userId, tenantId, active: true });
      if (!user) throw new SlackTargetError('user_not_found');
      known = { slackUserId: user.slackUserId ?? null, until: Date.now() + 60_000 };
      this.people.set(cacheKey, known);
    }
    if (!known.slackUserId) throw new SlackTargetError('user_not_on_slack');
    return known.slackUserId;
  }

  /**
   * The DM channel with a person. conversations.open is Tier 3 (about 50 a minute), far below the
   * rate of a reminder burst, so a channel id once opened is kept: in this process and in Redis
   * for every worker. A DM channel id never changes.
   */
  private async openDm(client: WebClient, tenantId: string, slackUserId: string, messageKey: string): Promise<string> {
    const cacheKey = `${tenantId}:${slackUserId}`;
    const cached = this.dmChannels.get(cacheKey) ?? (await this.sharedCache('get', cacheKey));
    if (cached) {
      this.dmChannels.set(cacheKey, cached);
      return cached;
    }
    // A call to Slack like any other: not while the workspace is in a Retry-After.
    await this.opts.pacer.whileShut(rateLimitScope('slack', tenantId), messageKey);
    const res = await client.conversations.open({ users: slackUserId });
    const channel = res.channel?.id;
    if (!channel) throw new SlackTargetError('channel_not_found');
    this.dmChannels.set(cacheKey, channel);
    await this.sharedCache('set', cacheKey, channel);
    return channel;
  }

  /** Best effort: without Redis every worker just opens the DM once itself. */
  private async sharedCache(op: 'get' | 'set', field: string, value?: string): Promise<string | null> {
    const { redis, keyPrefix } = this.opts;
    if (!redis) return null;
    const key = `${keyPrefix ?? 'sfa'}:slack:dm-channels`;
    try {
      if (op === 'get') return await redis.hget(key, field);
      await redis.hset(key, field, value!);
    } catch {
      /* a cache miss costs one more conversations.open */
    }
    return null;
  }
}
