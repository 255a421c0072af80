import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { errorCard } from '../../cards/i18n/error-text';
import { translator } from '../../cards/i18n/i18n';
import type { MikroORM } from '../../db/orm';
import { isDomainError, type DomainError } from '../../domain/shared/domain-error';
import type { Logger } from '../../logger';
import { interactions, interactionSeconds } from '../../metrics';
import { formErrors } from '../shared/form-errors';
import type { CommandContext, Enqueue, Reply } from './context';
import { identify, NotRegistered, Refusal, register, type ChatDirectory, type Identity } from './identify';
import type { Interaction } from './interaction';
import { requestLog } from './request-log';
import { resolveStep, type Step } from './steps';

export type RunOptions = {
  /** A queued command: its answer is sent after the run (and claimed, so it is sent once). */
  answerLater?: boolean;
};

export type Outcome = {
  reply: Reply;
  /** Another delivery of this interaction already ran it: `reply` is what that one answered. */
  duplicate: boolean;
  /**
   * Who sends the answer: `send` — this run; `sent` — someone did already; `pending` — another
   * run has claimed it and may still be sending (a queued command retries later, and takes it
   * over when that claim has gone stale).
   */
  answer: 'send' | 'sent' | 'pending';
  /** The logged request to mark answered once sent (queued commands). */
  logged?: { tenantId: string; key: string };
  /** The reader's language, for anything the platform adds around the reply. */
  locale: string;
};

/** A repeat found when its record would be written: roll back what this run did. */
class Repeat extends Error {
  constructor() {
    super('repeated delivery');
  }
}

/** An unexpected failure, with the language of the person it happened to (for the "nothing was saved" reply). */
export class InteractionFailed extends Error {
  constructor(
    override readonly cause: unknown,
    readonly locale: string,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'InteractionFailed';
  }
}

/** The reply to a failure nobody foresaw: "nothing was saved", in the person's language when known. */
export function failedOutcome(err: unknown, fallbackLocale: string): Outcome {
  const locale = err instanceof InteractionFailed ? err.locale : fallbackLocale;
  return { reply: { type: 'card', card: { kind: 'card', tone: 'error', text: translator(locale)('errors.internal') } }, duplicate: false, answer: 'send', locale };
}

export type PipelineDeps = { orm: MikroORM; logger: Logger; enqueue?: Enqueue; answerClaimStaleMs: number; encryptionKey?: string };

/**
 * Every interaction on either platform goes through here: identify the person, parse what they
 * sent with its schema, run its handler in one transaction — once per idempotency key when it
 * writes — and come back with one reply model. A refusal rolls everything back; a handler that has
 * something better to say about it says so afterwards, in a transaction of its own. The only
 * place a failure becomes words.
 */
export class ChatPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async run(interaction: Interaction, directory: ChatDirectory, options: RunOptions = {}): Promise<Outcome> {
    const labels = { platform: interaction.platform, kind: interaction.inbound.kind };
    const stop = interactionSeconds.startTimer(labels);
    try {
      const outcome = await this.runOnce(interaction, directory, options);
      interactions.inc({ ...labels, outcome: outcome.duplicate ? 'duplicate' : outcome.reply.type === 'card' && outcome.reply.card.tone === 'error' ? 'failed' : outcome.reply.type === 'card' && outcome.reply.card.tone === 'warn' ? 'refused' : 'ok' });
      return outcome;
    } catch (err) {
      interactions.inc({ ...labels, outcome: 'failed' });
      throw err;
    } finally {
      stop();
    }
  }

  private async runOnce(interaction: Interaction, directory: ChatDirectory, options: RunOptions): Promise<Outcome> {
    const step = resolveStep(interaction.inbound);
    await directory.prepare?.(this.deps.orm.em.fork(), interaction);
    let identity: Identity | undefined;
    try {
      return await this.attempt(interaction, directory, step, options, (who) => (identity = who));
    } catch (err) {
      return await this.afterFailure(err, interaction, identity, step, options);
    } finally {
      // Where to reach the person later: kept whatever became of the interaction itself.
      if (identity) await directory.remember?.(this.deps.orm.em.fork(), interaction, identity.user, identity.tenant).catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'could not keep the conversation reference'));
    }
  }

  /** Records that a queued command's answer reached the person. */
  async markAnswered(logged: { tenantId: string; key: string }): Promise<void> {
    await requestLog.markAnswered(this.deps.orm.em.fork(), logged.tenantId, logged.key);
  }

  /** Sending failed: the next try of this command may send it. */
  async releaseAnswer(logged: { tenantId: string; key: string }): Promise<void> {
    await requestLog.releaseAnswer(this.deps.orm.em.fork(), logged.tenantId, logged.key);
  }

  /** The last try of a queued command: whoever claimed its answer has had long enough. */
  async takeOverAnswer(logged: { tenantId: string; key: string }): Promise<boolean> {
    return requestLog.claimAnswer(this.deps.orm.em.fork(), logged.tenantId, logged.key, 0);
  }

  /** Request keys a week old can no longer arrive again: their records go. */
  /** The interaction's one transaction; a person seen for the first time is registered first, outside it. */
  private async attempt(interaction: Interaction, directory: ChatDirectory, step: Step, options: RunOptions, seen: (who: Identity) => void): Promise<Outcome> {
    for (let tries = 0; ; tries++) {
      try {
        return await this.transaction(async (em) => {
          const who = await identify(em, interaction, directory);
          seen(who);
          const ctx = this.context(em, who, interaction);
          return this.finish(em, ctx, interaction, step.writes, await step.run(ctx), options);
        });
      } catch (err) {
        if (!(err instanceof NotRegistered) || tries > 0) throw err;
        await register(this.deps.orm.em.fork(), interaction, directory, err.tenant);
      }
    }
  }

  private transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    // Use cases' own transactions join this one: one BEGIN and one COMMIT per interaction.
    return this.deps.orm.em.fork().transactional(work, { ignoreNestedTransactions: true });
  }

  /** A write's reply is recorded with its effect; finding the key already there means this delivery is a repeat. */
  private async finish(em: EntityManager, ctx: CommandContext, interaction: Interaction, writes: (reply: Reply) => boolean, reply: Reply, options: RunOptions): Promise<Outcome> {
    const logged = { tenantId: ctx.tenant.id, key: interaction.key };
    const write = writes(reply);
    if (write && !(await requestLog.record(em, { ...logged, userId: ctx.user.id, reply, answerLater: options.answerLater ?? false }))) throw new Repeat();
    return { reply, duplicate: false, answer: 'send', logged: write && options.answerLater ? logged : undefined, locale: ctx.user.locale };
  }

  private context(em: EntityManager, identity: Identity, interaction: Interaction): CommandContext {
    return { em, ...identity, now: new Date(interaction.receivedAt), platform: interaction.platform, requestKey: interaction.key, channel: interaction.channel, enqueue: this.deps.enqueue, encryptionKey: this.deps.encryptionKey };
  }

  /** What the person is told when the run did not go through (everything it did is rolled back by now). */
  private async afterFailure(err: unknown, interaction: Interaction, identity: Identity | undefined, step: Step, options: RunOptions): Promise<Outcome> {
    if (err instanceof Refusal) return this.refused(err);
    if (!identity) throw err;
    // A refusal may be this delivery meeting the first one's effect ("that customer exists"): the
    // person is told what the first delivery answered, not that their own request clashes with itself.
    const repeat = err instanceof Repeat || err instanceof UniqueConstraintViolationException || isDomainError(err);
    const earlier = repeat ? await this.earlier(identity, interaction.key, options) : null;
    if (earlier) return earlier;
    if (!isDomainError(err)) throw new InteractionFailed(err, identity.user.locale);
    return this.transaction(async (em) => {
      const ctx = this.context(em, identity, interaction);
      const reply = (await this.recover(step, ctx, err)) ?? this.refusalReply(err, identity, step);
      // A refused write is recorded too: a repeat of the delivery is told the same, once.
      return this.finish(em, ctx, interaction, step.writes, reply, options);
    }).catch(async (again: unknown) => {
      if (again instanceof Repeat) return (await this.earlier(identity, interaction.key, options)) ?? { reply: this.refusalReply(err, identity, step), duplicate: true, answer: 'sent', locale: identity.user.locale };
      throw new InteractionFailed(again, identity.user.locale);
    });
  }

  /** The handler's better answer to a refusal; if working it out is refused too, the plain refusal is the answer. */
  private async recover(step: Step, ctx: CommandContext, err: DomainError): Promise<Reply | null | undefined> {
    try {
      return await step.recover?.(ctx, err);
    } catch (again) {
      if (!isDomainError(again)) throw again;
      this.deps.logger.warn({ code: err.code, again: again.code }, 'refusal handler was refused; answering the refusal as it is');
      return undefined;
    }
  }

  private refusalReply(err: DomainError, identity: Identity, step: Step): Reply {
    return step.kind === 'form' ? formErrors(err, identity.t, step.fieldIds) : { type: 'card', card: errorCard(err, identity.t) };
  }

  /** The first run's reply; for a queued command, sent by this run only if nobody sent (or is sending) it. */
  private async earlier(identity: Identity, key: string, options: RunOptions): Promise<Outcome | null> {
    const em = this.deps.orm.em.fork();
    const found = await requestLog.find(em, identity.tenant.id, key);
    if (!found) return null;
    const logged = { tenantId: identity.tenant.id, key };
    const base = { reply: found.reply, duplicate: true, locale: identity.user.locale };
    if (!options.answerLater) return { ...base, answer: 'send' };
    if (found.answered) return { ...base, answer: 'sent' };
    const claimed = await requestLog.claimAnswer(em, identity.tenant.id, key, this.deps.answerClaimStaleMs);
    return { ...base, answer: claimed ? 'send' : 'pending', logged };
  }

  private refused(refusal: Refusal): Outcome {
    const t = translator(refusal.locale);
    return { reply: { type: 'card', card: { kind: 'card', tone: 'warn', text: t(`errors.${refusal.textKey}`) } }, duplicate: false, answer: 'send', locale: refusal.locale };
  }
}
