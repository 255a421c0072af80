import type { MikroORM } from '../db/orm';
import { User } from '../domain/org/user.entity';
import { Tenant } from '../domain/tenants/tenant.entity';
import { PermanentDeliveryError, type ChannelMessage, type DeliveryResult, type DirectMessage, type FileMessage, type Notifier } from './notifier';

type Platform = 'slack' | 'teams';

/**
 * Sends each message through the platform its recipient is on: a person's DM where they have an
 * account (Slack first), a channel through its workspace's platform. One Notifier for every job.
 */
export class ChatNotifier implements Notifier {
  private readonly platforms = new Map<string, { value: Platform | null; until: number }>();

  constructor(
    private readonly orm: MikroORM,
    private readonly notifiers: Partial<Record<Platform, Notifier>>,
  ) {}

  async sendDirect(m: DirectMessage): Promise<DeliveryResult> {
    return (await this.forUser(m.tenantId, m.userId, m.idempotencyKey, m.kind)).sendDirect(m);
  }

  async postToChannel(m: ChannelMessage): Promise<DeliveryResult> {
    return (await this.forTenant(m.tenantId, m.idempotencyKey, m.kind)).postToChannel(m);
  }

  async postFiles(m: FileMessage): Promise<DeliveryResult> {
    const notifier = 'userId' in m.to ? await this.forUser(m.tenantId, m.to.userId, m.idempotencyKey, m.kind) : await this.forTenant(m.tenantId, m.idempotencyKey, m.kind);
    return notifier.postFiles(m);
  }

  private async forUser(tenantId: string, userId: string, key: string, kind: DirectMessage['kind']): Promise<Notifier> {
    const platform = await this.cached(`user:${userId}`, async () => {
      const user = await this.orm.em.fork().findOne(User, { id: userId, tenantId });
      return user?.slackUserId && this.notifiers.slack ? 'slack' : user?.teamsAadObjectId && this.notifiers.teams ? 'teams' : null;
    });
    return this.pick(platform, { key, tenantId, kind, userId });
  }

  private async forTenant(tenantId: string, key: string, kind: DirectMessage['kind']): Promise<Notifier> {
    const platform = await this.cached(`tenant:${tenantId}`, async () => {
      const tenant = await this.orm.em.fork().findOne(Tenant, { id: tenantId });
      return tenant?.slackTeamId && this.notifiers.slack ? 'slack' : tenant?.teamsTenantId && this.notifiers.teams ? 'teams' : null;
    });
    return this.pick(platform, { key, tenantId, kind });
  }

  private pick(platform: Platform | null, ref: { key: string; tenantId: string; kind: DirectMessage['kind']; userId?: string }): Notifier {
    // Unknown on either platform: the only (or first) platform's notifier says why, and records it.
    const notifier = platform ? this.notifiers[platform] : (this.notifiers.slack ?? this.notifiers.teams);
    if (!notifier) throw new PermanentDeliveryError('no_chat_platform_for_recipient', ref);
    return notifier;
  }

  private async cached(key: string, load: () => Promise<Platform | null>): Promise<Platform | null> {
    const hit = this.platforms.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await load();
    this.platforms.set(key, { value, until: Date.now() + 60_000 });
    return value;
  }
}
