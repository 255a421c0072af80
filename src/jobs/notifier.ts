import type { CardModel } from '../cards/reply-model';

export type DeliveryKind = 'visit_reminder' | 'follow_up' | 'nudge_digest' | 'manager_summary' | 'report' | 'quote_approval' | 'quote_decision' | 'churn_alert' | 'signal_nudge' | 'pool_notice';

export type DirectMessage = {
  tenantId: string;
  userId: string;
  card: CardModel;
  /** Same key, same message: a second send with a key already sent is a no-op. */
  idempotencyKey: string;
  kind: DeliveryKind;
};

export type ChannelMessage = {
  tenantId: string;
  /** The platform's channel id (Slack `C…`). */
  channelId: string;
  card: CardModel;
  idempotencyKey: string;
  kind: DeliveryKind;
};

/** Images with a text beside them (a report's charts and its key numbers), to a channel or a person. */
export type FileMessage = {
  tenantId: string;
  to: { channelId: string } | { userId: string };
  /** The key numbers, as the platform's markdown. */
  text: string;
  /** `altText`: what the image shows, as text (screen readers, notifications; Teams also shows it under the image). */
  files: Array<{ filename: string; title: string; altText?: string; bytes: Buffer }>;
  idempotencyKey: string;
  kind: DeliveryKind;
};

export type DeliveryResult = { status: 'sent' | 'already_sent' | 'dead'; ref?: string };

/**
 * How every job reaches people. Implementations deliver at most once per idempotency key (a
 * deliveries row is claimed before sending), pace per channel, and signal what the worker should
 * do with the errors below; they never retry on their own.
 */
export interface Notifier {
  sendDirect(message: DirectMessage): Promise<DeliveryResult>;
  postToChannel(message: ChannelMessage): Promise<DeliveryResult>;
  postFiles(message: FileMessage): Promise<DeliveryResult>;
}

/** What the ledger needs to record a delivery that failed before (or while) being claimed. */
export type DeliveryRef = { key: string; tenantId: string; kind: DeliveryKind; userId?: string | null; channel?: string | null };

/**
 * The platform said "too many requests": every worker holds messages to the workspace (`scope`,
 * platform and tenant) for `retryAfterMs`; the job is not failed.
 */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number, readonly ref: DeliveryRef, readonly scope: string) {
    super(`rate limited for ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
  }
}

/** The channel already had its message this second: run the job again at `notBefore` (epoch ms). */
export class PacedError extends Error {
  constructor(readonly notBefore: number) {
    super(`paced until ${new Date(notBefore).toISOString()}`);
    this.name = 'PacedError';
  }
}

/** Retrying cannot help (user gone, channel archived): the delivery is dead-lettered. */
export class PermanentDeliveryError extends Error {
  constructor(readonly code: string, readonly ref: DeliveryRef) {
    super(`permanent delivery failure: ${code}`);
    this.name = 'PermanentDeliveryError';
  }
}

/** Worth another try later (network, 5xx, another worker holds the claim). */
export class TransientDeliveryError extends Error {
  constructor(readonly code: string, readonly ref: DeliveryRef) {
    super(`delivery failed, will retry: ${code}`);
    this.name = 'TransientDeliveryError';
  }
}

/** For deployments without a chat platform: every delivery is dead-lettered with a clear reason. */
export const unconfiguredNotifier: Notifier = {
  async sendDirect(m) {
    throw new PermanentDeliveryError('no_chat_platform_configured', { key: m.idempotencyKey, tenantId: m.tenantId, kind: m.kind, userId: m.userId });
  },
  async postToChannel(m) {
    throw new PermanentDeliveryError('no_chat_platform_configured', { key: m.idempotencyKey, tenantId: m.tenantId, kind: m.kind, channel: m.channelId });
  },
  async postFiles(m) {
    throw new PermanentDeliveryError('no_chat_platform_configured', { key: m.idempotencyKey, tenantId: m.tenantId, kind: m.kind });
  },
};
