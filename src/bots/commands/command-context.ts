import type { EntityManager } from '@mikro-orm/postgresql';
import type { User } from '../../domain/org/user.entity';
import type { UserActor } from '../../domain/shared/actor';
import type { Tenant } from '../../domain/tenants/tenant.entity';
import type { JobDefinition } from '../../jobs/job-definition';
import type { Translate } from '../../cards/i18n/i18n';
import type { CardModel, FormModel } from '../../cards/reply-model';

/** Who is asking, in which language and time zone, with a fresh unit of work. Same for both bots. */
export type CommandContext = {
  em: EntityManager;
  actor: UserActor;
  user: User;
  tenant: Tenant;
  t: Translate;
  now: Date;
  /**
   * The chat request's own id when it runs from the queue: what it creates carries it, so a
   * retry after a crash finds the earlier result instead of writing twice.
   */
  sourceKey?: string;
  /** The conversation the command came from (where an on-demand report is posted). */
  channel?: { platform: 'slack' | 'teams'; id: string; name?: string };
  /** Hands work to the job worker (absent where no queue is configured). */
  enqueue?: <D extends object>(job: JobDefinition<D>, data: D) => Promise<void>;
};

export type CommandResult =
  /** Show a card: as a new ephemeral reply, or replacing the card the button was on. */
  | { type: 'card'; card: CardModel; replaceOriginal?: boolean }
  /** Open a form (Slack modal / Teams dialog). */
  | { type: 'form'; form: FormModel };

export const card = (c: CardModel, replaceOriginal = false): CommandResult => ({ type: 'card', card: c, replaceOriginal });
export const form = (f: FormModel): CommandResult => ({ type: 'form', form: f });

/** A form submission either closes with a result, or stays open with errors per field. */
export type FormResult = { type: 'errors'; errors: Record<string, string> } | { type: 'done'; card?: CardModel };
