import { z } from 'zod';
import type { ChatCommandRunner, QueuedCommand } from '../../jobs/chat-command.job';
import { UnknownWorkspace, type CommandIntake, type Release } from '../../jobs/command-intake';
import type { Logger } from '../../logger';
import { answerSeconds } from '../../metrics';
import type { Platform, Reply } from './context';
import type { ChatDirectory } from './identify';
import type { Interaction } from './interaction';
import { failedOutcome, type ChatPipeline, type Outcome } from './pipeline';
import { maxCommandText, withoutControls } from './steps';

const platformId = z.string().min(1).max(64);

/** A command as the web process queued it; parsed again by the worker like any other payload. */
export const queuedCommandSchema = z.object({
  platform: z.enum(['slack', 'teams']),
  workspaceId: platformId,
  userId: platformId,
  homeWorkspaceId: platformId.optional(),
  profile: z.object({ name: z.string().max(200), locale: z.string().max(20), timezone: z.string().max(64) }).partial().optional(),
  key: z.string().min(1).max(100),
  receivedAt: z.number().int().positive(),
  channel: z.object({ id: z.string().min(1).max(300), name: z.string().max(100).optional(), isDirect: z.boolean() }).optional(),
  conversation: z.unknown().optional(),
  command: z.string().min(1).max(20),
  text: z.string().max(maxCommandText),
  /** Where the answer goes, as the platform's responder reads it (a Slack response_url, a Teams conversation reference). */
  replyTo: z.record(z.unknown()),
});
export type QueuedChatCommand = z.infer<typeof queuedCommandSchema>;

/** A command as it is kept in Redis or PostgreSQL (which refuses NUL even inside JSON). */
export const toQueued = (interaction: Interaction & { inbound: { kind: 'command' } }, replyTo: Record<string, unknown>): QueuedCommand & QueuedChatCommand =>
  withoutControls({
  platform: interaction.platform,
  workspaceId: interaction.workspaceId,
  userId: interaction.userId,
  ...(interaction.homeWorkspaceId ? { homeWorkspaceId: interaction.homeWorkspaceId } : {}),
  ...(interaction.profile ? { profile: interaction.profile } : {}),
  key: interaction.key,
  receivedAt: interaction.receivedAt,
  ...(interaction.channel ? { channel: interaction.channel } : {}),
  ...(interaction.conversation ? { conversation: interaction.conversation } : {}),
  command: interaction.inbound.name,
  text: interaction.inbound.text,
  replyTo,
}) as QueuedCommand & QueuedChatCommand;

/**
 * A write made durable before its ack, or what the person is told instead: a workspace nobody set
 * up here is refused as such; anything else is a store that did not answer.
 */
export async function keepCommand(intake: CommandIntake, command: QueuedCommand, tenantOf: () => Promise<string | null>, logger: Logger): Promise<{ ok: true; release: Release } | { ok: false; textKey: 'errors.busy' | 'errors.forbidden.unknown_user' }> {
  try {
    return { ok: true, release: await intake.submit(command, tenantOf) };
  } catch (err) {
    if (err instanceof UnknownWorkspace) return { ok: false, textKey: 'errors.forbidden.unknown_user' };
    logger.error({ err: (err as Error).message }, 'could not keep a command anywhere: refused');
    return { ok: false, textKey: 'errors.busy' };
  }
}

/** Where a platform delivers the answer to a queued command; throws what is worth retrying. */
export interface Responder {
  answer(command: QueuedChatCommand, reply: Reply, reader: { tenantId?: string; locale: string }): Promise<void>;
}

/** Thrown so the worker retries: another run holds the answer's claim. */
class AnswerPending extends Error {
  constructor() {
    super('another run is sending the answer');
    this.name = 'AnswerPending';
  }
}

export type PlatformWiring = { directory: ChatDirectory; responder: Responder };

/**
 * Runs commands the web process acknowledged and queued, as the person who sent them, at the time
 * they sent them, through the same pipeline as everything else. The first run records its answer
 * with the effect; any other run of the same command (a retry after a crash, a second copy)
 * sends that answer only if nobody has.
 */
export class QueuedCommandRunner implements ChatCommandRunner {
  constructor(
    private readonly pipeline: ChatPipeline,
    private readonly platforms: Partial<Record<Platform, PlatformWiring>>,
    private readonly logger: Logger,
  ) {}

  async run(data: QueuedCommand, attempt: { final: boolean }): Promise<string> {
    const parsed = queuedCommandSchema.safeParse(data);
    if (!parsed.success) return 'dropped: not a command this version understands';
    const command = parsed.data;
    const wiring = this.platforms[command.platform];
    if (!wiring) return `dropped: ${command.platform} is not configured`;
    let outcome: Outcome;
    try {
      outcome = await this.pipeline.run(this.interactionOf(command), wiring.directory, { answerLater: true });
    } catch (err) {
      if (!attempt.final) throw err;
      this.logger.error({ err, command: command.command }, 'queued command failed for good');
      outcome = failedOutcome(err, command.profile?.locale ?? 'en');
    }
    if (outcome.answer === 'sent') return 'answered before';
    if (outcome.answer === 'pending' && !(await this.mayTakeOver(outcome, attempt))) return 'answered before';
    try {
      await wiring.responder.answer(command, outcome.reply, { tenantId: outcome.logged?.tenantId, locale: outcome.locale });
      answerSeconds.observe({ platform: command.platform }, Math.max(0, Date.now() - command.receivedAt) / 1000);
    } catch (err) {
      if (outcome.logged) await this.pipeline.releaseAnswer(outcome.logged);
      throw err;
    }
    // Sent is sent: a retry because the note could not be written would send it again.
    if (outcome.logged) await this.pipeline.markAnswered(outcome.logged).catch((err: Error) => this.logger.warn({ err: err.message, command: command.command }, 'answer sent but not marked as sent'));
    return 'answered';
  }

  /**
   * Another run has claimed the answer and not said it was sent: it may be sending now, or have
   * died. Try again later (the job is retried); on the last try, take it over.
   */
  private async mayTakeOver(outcome: Outcome, attempt: { final: boolean }): Promise<boolean> {
    if (!attempt.final) throw new AnswerPending();
    return !!outcome.logged && (await this.pipeline.takeOverAnswer(outcome.logged));
  }

  private interactionOf(command: QueuedChatCommand): Interaction {
    const { command: name, text, replyTo: _replyTo, ...rest } = command;
    return { ...rest, inbound: { kind: 'command', name, text } };
  }
}
