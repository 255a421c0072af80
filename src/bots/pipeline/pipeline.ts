import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { errorCard } from '../../cards/i18n/error-text';
import { translator, type Translate } from '../../cards/i18n/i18n';
import type { MikroORM } from '../../db/orm';
import { isDomainError } from '../../domain/shared/domain-error';
import type { Logger } from '../../logger';
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
  /** Whether this run should send the answer (always, except for a repeat whose answer someone else sends or sent). */
  answer: boolean;
  /** The logged request to mark answered once sent (queued commands). */
  logged?: { tenantId: string; key: string };
};

/** A repeat found when its record would be written: roll back what this run did. */
class Repeat extends Error {
  constructor() {
    super('repeated delivery');
  }
}

export type PipelineDeps = { orm: MikroORM; logger: Logger; enqueue?: Enqueue; answerClaimStaleMs: number };

/**
 * Every interaction on either platform goes through here: identify the person, parse what they
 * sent with its schema, run its handler in one transaction — once per idempotency key when it
 * writes — and come back with one reply model. The only place a failure becomes words.
 */
export class ChatPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async run(interaction: Interaction, directory: ChatDirectory, options: RunOptions = {}): Promise<Outcome> {
    let identity: Identity | undefined;
    const step = resolveStep(interaction.inbound);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.orm.em.fork().transactional(
          async (em) => {
            identity = await identify(em, interaction, directory);
            return this.runStep(em, identity, interaction, step, options);
          },
          { ignoreNestedTransactions: true },
        );
      } catch (err) {
        if (err instanceof NotRegistered && attempt === 0) {
          const registered = await register(this.deps.orm.em.fork(), interaction, directory, err.tenant).then(() => null, (e: unknown) => e);
          if (registered === null) continue;
          return this.afterFailure(registered, interaction, identity, step, options);
        }
        return this.afterFailure(err, interaction, identity, step, options);
      }
    }
  }

  /** Records that a queued command's answer reached the person. */
  async markAnswered(logged: { tenantId: string; key: string }): Promise<void> {
    await requestLog.markAnswered(this.deps.orm.em.fork(), logged.tenantId, logged.key);
  }

  /** Request keys a week old can no longer arrive again: their records go. */
  async forgetOld(): Promise<void> {
    await requestLog.forgetOld(this.deps.orm.em.fork());
  }

  /** Sending failed: the next try of this command may send it. */
  async releaseAnswer(logged: { tenantId: string; key: string }): Promise<void> {
    await requestLog.releaseAnswer(this.deps.orm.em.fork(), logged.tenantId, logged.key);
  }

  private async runStep(em: EntityManager, identity: Identity, interaction: Interaction, step: Step, options: RunOptions): Promise<Outcome> {
    const ctx = this.context(em, identity, interaction);
    const reply = await step.run(ctx);
    const writes = step.writes(reply);
    const logged = { tenantId: identity.tenant.id, key: interaction.key };
    if (writes) {
      const first = await requestLog.record(em, { ...logged, userId: identity.user.id, reply, answerLater: options.answerLater ?? false });
      if (!first) throw new Repeat();
    }
    return { reply, duplicate: false, answer: true, logged: writes && options.answerLater ? logged : undefined };
  }

  private context(em: EntityManager, identity: Identity, interaction: Interaction): CommandContext {
    return { em, ...identity, now: new Date(interaction.receivedAt), platform: interaction.platform, requestKey: interaction.key, channel: interaction.channel, enqueue: this.deps.enqueue };
  }

  /** What the person is told when the run did not go through: a repeat's first answer, a refusal, or the reason. */
  private async afterFailure(err: unknown, interaction: Interaction, identity: Identity | undefined, step: Step, options: RunOptions): Promise<Outcome> {
    if (err instanceof Refusal) return this.refused(err);
    const repeat = err instanceof Repeat || err instanceof UniqueConstraintViolationException;
    if (repeat && identity) {
      const earlier = await this.earlier(identity, interaction.key, options);
      if (earlier) return earlier;
    }
    if (!isDomainError(err) || !identity) throw err;
    const reply: Reply = step.kind === 'form' ? formErrors(err, identity.t, step.fieldIds) : { type: 'card', card: errorCard(err, identity.t) };
    const logged = { tenantId: identity.tenant.id, key: interaction.key };
    // A refused write is recorded too: a repeat of the delivery is told the same, once.
    const recorded = step.writes(reply) ? await requestLog.record(this.deps.orm.em.fork(), { ...logged, userId: identity.user.id, reply, answerLater: options.answerLater ?? false }) : false;
    if (!recorded && step.writes(reply)) return (await this.earlier(identity, interaction.key, options)) ?? { reply, duplicate: true, answer: false };
    return { reply, duplicate: false, answer: true, logged: recorded && options.answerLater ? logged : undefined };
  }

  /** The first run's reply; for a queued command, sent by this run only if nobody sent (or is sending) it. */
  private async earlier(identity: Identity, key: string, options: RunOptions): Promise<Outcome | null> {
    const em = this.deps.orm.em.fork();
    const found = await requestLog.find(em, identity.tenant.id, key);
    if (!found) return null;
    const logged = { tenantId: identity.tenant.id, key };
    if (!options.answerLater) return { reply: found.reply, duplicate: true, answer: true };
    const claimed = !found.answered && (await requestLog.claimAnswer(em, identity.tenant.id, key, this.deps.answerClaimStaleMs));
    return { reply: found.reply, duplicate: true, answer: claimed, logged: claimed ? logged : undefined };
  }

  private refused(refusal: Refusal): Outcome {
    const t: Translate = translator(refusal.locale);
    return { reply: { type: 'card', card: { kind: 'card', tone: 'warn', text: t(`errors.${refusal.textKey}`) } }, duplicate: false, answer: true };
  }
}
