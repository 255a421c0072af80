import type { EntityManager } from '@mikro-orm/postgresql';
import type { Translate } from '../../cards/i18n/i18n';
import type { CardModel, FormModel } from '../../cards/reply-model';
import type { User } from '../../domain/org/user.entity';
import type { UserActor } from '../../domain/shared/actor';
import type { Tenant } from '../../domain/tenants/tenant.entity';
import type { JobDefinition } from '../../jobs/job-definition';

export type Platform = 'slack' | 'teams';

export type Enqueue = <D extends object>(job: JobDefinition<D>, data: D) => Promise<unknown>;

/**
 * Who is asking, in which language and time zone, inside this interaction's one transaction.
 * Handlers on both platforms get the same thing and never see a chat SDK.
 */
export type CommandContext = {
  em: EntityManager;
  actor: UserActor;
  user: User;
  tenant: Tenant;
  t: Translate;
  /** When the person acted: "tomorrow" means the day after that, however late a queued command runs. */
  now: Date;
  platform: Platform;
  /** This interaction's idempotency key, from the platform's own ids; what it creates carries it. */
  requestKey: string;
  /** The conversation it came from (where an on-demand report is posted). */
  channel?: { id: string; name?: string; isDirect: boolean };
  /** Hands work to the job worker (absent where no queue is configured). */
  enqueue?: Enqueue;
  /** ENCRYPTION_KEY, for the few use cases that derive a secret from it (API keys); absent when not set. */
  encryptionKey?: string;
};

/** Anything a card or text needs to know about its reader. */
export type Reader = Pick<CommandContext, 't' | 'user'>;

export type Option = { label: string; value: string };

/**
 * The one reply model every handler returns, on every platform: a card (new, or replacing the
 * card a button was on), a form to open, a form's field errors or its closing card, typeahead
 * options, or the App Home.
 */
export type Reply =
  | { type: 'card'; card: CardModel; replaceOriginal?: boolean }
  | { type: 'form'; form: FormModel }
  | { type: 'errors'; errors: Record<string, string> }
  | { type: 'done'; card?: CardModel }
  | { type: 'options'; options: Option[] }
  | { type: 'home'; cards: CardModel[] };

export type CardReply = Extract<Reply, { type: 'card' }>;
export type FormReply = Extract<Reply, { type: 'form' }>;
/** A command or a button answers with a card or opens a form. */
export type CommandResult = CardReply | FormReply;
/** A submitted form closes (with a card to post) or stays open with errors under its fields. */
export type FormResult = Extract<Reply, { type: 'errors' | 'done' }>;

export const card = (c: CardModel, replaceOriginal = false): CardReply => ({ type: 'card', card: c, replaceOriginal });
export const form = (f: FormModel): FormReply => ({ type: 'form', form: f });
export const done = (c?: CardModel): FormResult => ({ type: 'done', card: c });
export const fieldErrors = (errors: Record<string, string>): FormResult => ({ type: 'errors', errors });
