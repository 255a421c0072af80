import { CardFactory, type ConversationReference } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Config } from '../../config';
import type { MikroORM } from '../../db/orm';
import { fitImage } from '../../cards/charts/fit-image';
import { renderAdaptiveCard, toTeamsMarkdown } from '../../cards/teams/adaptive-card';
import type { ChannelPacer } from '../../jobs/channel-pacer';
import { deliverOnce, type Classified, type DeliveryLedger, type Transport } from '../../jobs/delivery-ledger';
import type { ChannelMessage, DeliveryRef, DeliveryResult, DirectMessage, FileMessage, Notifier } from '../../jobs/notifier';
import type { Logger } from '../../logger';

class TeamsTargetError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Bot Framework answers: 403 (bot removed or blocked) and 404 are final; 429, 412 and 5xx are worth another try. */
export function classifyTeamsError(err: unknown): Classified {
  if (err instanceof TeamsTargetError) return { kind: 'permanent', code: err.code };
  const e = err as { statusCode?: number; response?: { headers?: { get?: (k: string) => string | null } }; message?: string };
  const status = e.statusCode;
  if (status === 429) {
    const retryAfter = Number(e.response?.headers?.get?.('retry-after') ?? 1);
    return { kind: 'rate_limited', retryAfterMs: Math.max(1, Number.isFinite(retryAfter) ? retryAfter : 1) * 1000 };
  }
  if (status === 403) return { kind: 'permanent', code: 'bot_blocked_or_removed' };
  if (status === 404) return { kind: 'permanent', code: 'conversation_not_found' };
  if (status === 400) return { kind: 'permanent', code: 'bad_request' };
  // Too big: the same message will be too big again.
  if (status === 413) return { kind: 'permanent', code: 'message_too_large' };
  if (status === 412 || (status !== undefined && status >= 500)) return { kind: 'transient', code: `http_${status}`, uncertain: status >= 500 };
  // No answer (timeout, reset): Teams may have posted.
  return { kind: 'transient', code: (e.message ?? 'error').slice(0, 100), uncertain: true };
}

/** Teams refuses a message over 100 KB, images inline as base64 (4/3 of their bytes) included; the rest of the card stays under ~10 KB. */
const imageBudgetBytes = 66_000;
const csvBudgetChars = 60_000;

/**
 * A file as card blocks: an image inline (made to fit the message), its figures as text under it;
 * anything else (a CSV) as its text, as much of it as fits, saying so when cut.
 */
async function fileBlocks(f: FileMessage['files'][number]): Promise<unknown[]> {
  const caption = f.altText ? [{ type: 'TextBlock', text: f.altText, wrap: true, size: 'Small', isSubtle: true }] : [];
  if (/\.png$/i.test(f.filename)) {
    const image = await fitImage(f.bytes, imageBudgetBytes);
    return [{ type: 'Image', url: `data:${image.mimeType};base64,${image.bytes.toString('base64')}`, altText: f.altText ?? f.title }, ...caption];
  }
  const text = f.bytes.toString('utf8');
  const shown = text.length > csvBudgetChars ? text.slice(0, text.lastIndexOf('\n', csvBudgetChars)) : text;
  return [
    { type: 'TextBlock', text: f.title, weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: shown, wrap: true, fontType: 'Monospace', size: 'Small' },
    ...(shown.length < text.length ? [{ type: 'TextBlock', text: `… ${f.filename}: ${text.split('\n').length - shown.split('\n').length} more lines (sfa export)`, wrap: true, isSubtle: true }] : []),
  ];
}

type Options = { orm: MikroORM; teams: Config['teams']; ledger: DeliveryLedger; pacer: ChannelPacer; logger: Logger };

/**
 * Delivers cards to Teams with the conversation references stored when people talk to the bot
 * (proactive messages through the Bot Framework adapter). Paced per conversation (Teams allows
 * about 7 a second and 60 per 30 s); a 403 marks the reference inactive.
 */
export class TeamsNotifier implements Notifier {
  private readonly adapter: TeamsAdapter;

  constructor(private readonly opts: Options) {
    const t = opts.teams;
    this.adapter = new TeamsAdapter(t.appId ? { MicrosoftAppId: t.appId, MicrosoftAppPassword: t.appPassword, MicrosoftAppTenantId: t.appTenantId, MicrosoftAppType: t.appType } : {});
  }

  sendDirect(m: DirectMessage): Promise<DeliveryResult> {
    const ref: DeliveryRef = { key: m.idempotencyKey, tenantId: m.tenantId, kind: m.kind, userId: m.userId };
    return deliverOnce(this.opts.ledger, 'teams', ref, async () => this.transport(await this.reference({ userId: m.userId }), [cardAttachment(m.card)], m.idempotencyKey), classifyTeamsError);
  }

  postToChannel(m: ChannelMessage): Promise<DeliveryResult> {
    const ref: DeliveryRef = { key: m.idempotencyKey, tenantId: m.tenantId, kind: m.kind, channel: m.channelId };
    return deliverOnce(this.opts.ledger, 'teams', ref, async () => this.transport(await this.reference({ conversationId: m.channelId }), [cardAttachment(m.card)], m.idempotencyKey), classifyTeamsError);
  }

  /** The text and each image as its own message: three charts in one would pass Teams' size limit. */
  async postFiles(m: FileMessage): Promise<DeliveryResult> {
    const target = 'userId' in m.to ? { userId: m.to.userId } : { conversationId: m.to.channelId };
    const parts = await Promise.all(
      m.files.map(async (f, i) => ({
        key: `${m.idempotencyKey}.${i}`,
        attachments: [
          CardFactory.adaptiveCard({
            type: 'AdaptiveCard',
            version: '1.5',
            body: [...(i === 0 ? [{ type: 'TextBlock', text: toTeamsMarkdown(m.text), wrap: true }] : []), ...(await fileBlocks(f))],
          }),
        ],
      })),
    );
    let last: DeliveryResult = { status: 'sent' };
    for (const part of parts) {
      const ref: DeliveryRef = { key: part.key, tenantId: m.tenantId, kind: m.kind, ...('userId' in target ? { userId: target.userId } : { channel: target.conversationId }) };
      last = await deliverOnce(this.opts.ledger, 'teams', ref, async () => this.transport(await this.reference(target), part.attachments, part.key), classifyTeamsError);
    }
    return last;
  }

  private async reference(target: { userId: string } | { conversationId: string }): Promise<{ userId: string; reference: Partial<ConversationReference> }> {
    const db = this.opts.orm.em.fork().getConnection();
    let rows: Array<{ user_id: string; reference: Partial<ConversationReference>; active: boolean }> = await db.execute(
      `select user_id, reference, active from teams_conversations where ${'userId' in target ? 'user_id' : 'conversation_id'} = ? limit 1`,
      ['userId' in target ? target.userId : target.conversationId],
    );
    if (rows.length === 0 && 'conversationId' in target) {
      rows = await db.execute(`select conversation_id as user_id, reference, active from teams_channels where conversation_id = ?`, [target.conversationId]);
    }
    const row = rows[0];
    if (!row) throw new TeamsTargetError('userId' in target ? 'user_not_on_teams' : 'channel_not_found');
    if (!row.active) throw new TeamsTargetError('bot_blocked_or_removed');
    return { userId: row.user_id, reference: row.reference };
  }

  private transport(target: { userId: string; reference: Partial<ConversationReference> }, attachments: unknown[], key: string): Transport {
    const channel = target.reference.conversation?.id ?? target.userId;
    return {
      channel,
      pace: (scope) => this.opts.pacer.wait(channel, key, scope, teamsTenantIntervalMs),
      send: async () => {
        let id: string | null = null;
        try {
          await this.adapter.continueConversationAsync(this.opts.teams.appId ?? '', target.reference, async (turn) => {
            withoutClientRetries(turn);
            id = (await turn.sendActivity({ attachments: attachments as never, channelData: { sfaKey: key } }))?.id ?? null;
          });
        } catch (err) {
          if ((err as { statusCode?: number }).statusCode === 403) {
            await this.opts.orm.em.fork().getConnection().execute(`update teams_conversations set active = false, updated_at = now() where user_id = ?`, [target.userId]);
          }
          throw err;
        }
        return id;
      },
      // Teams offers no search by our key: a worker taking over after a crash mid-send posts again.
      findPrevious: async () => null,
    };
  }
}

/** Teams allows a bot 50 requests a second per tenant, all conversations together: 40 leaves room for answers to commands. */
const teamsTenantIntervalMs = 25;

type TurnWithConnector = { adapter: { ConnectorClientKey: symbol }; turnState: { get(key: symbol): unknown } };
type PipelinedClient = { client?: { pipeline?: { removePolicy(policy: { name: string }): unknown } } };

/**
 * The connector client retries a 429 (and a 5xx or timeout) on its own, Retry-After and all, up
 * to three times: the 429 gate never hears of it while every worker keeps sending, and a retried
 * 5xx may post twice unrecorded. Each turn has its own client: only ours loses the policy, and the
 * ledger and the worker do the retrying.
 */
function withoutClientRetries(turn: TurnWithConnector): void {
  (turn.turnState.get(turn.adapter.ConnectorClientKey) as PipelinedClient | undefined)?.client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
}

const cardAttachment = (card: Parameters<typeof renderAdaptiveCard>[0]) => CardFactory.adaptiveCard(renderAdaptiveCard(card));
