/**
 * Platform-neutral replies. Command handlers turn domain results into these (already in the
 * user's language); `src/cards/slack` and `src/cards/teams` lay them out for each platform.
 */

/** Every interactive element names one of these; the value carries ids (never trusted state). */
export type ActionId =
  | 'customer.open'
  | 'customer.create'
  | 'customer.create_anyway'
  | 'customer.claim'
  | 'customer.release'
  | 'customer.pool_page'
  | 'customer.pick'
  | 'visit.log_outcome'
  | 'visit.reschedule'
  | 'visit.cancel'
  | 'visit.list_page'
  | 'visit.plan_for'
  | 'visit.log_for'
  | 'opp.open'
  | 'opp.stage'
  | 'opp.win'
  | 'opp.lose'
  | 'opp.list_page'
  | 'opp.snooze'
  | 'opp.new_for'
  | 'opp.rate'
  | 'opp.tick'
  | 'opp.stage_anyway'
  | 'nudge.advance'
  | 'opp.back'
  | 'quote.approve'
  | 'quote.reject'
  | 'quote.open'
  | 'quote.sent'
  | 'quote.accept'
  | 'forecast.factor_remove'
  | 'signal.dismiss';

export type Button = {
  label: string;
  action: ActionId;
  /** Opaque, short: ids and a page number, never a whole record. */
  value: string;
  style?: 'primary' | 'danger';
  /** A confirmation dialog before the action runs (destructive or irreversible moves). */
  confirm?: { title: string; text: string; ok: string; cancel: string };
};

export type Field = { label: string; value: string };

export type Section = {
  title?: string;
  /** Short lines, each one readable on a phone. */
  lines: string[];
  /** Buttons that belong to this section (e.g. per list item). */
  buttons?: Button[];
};

export type CardModel = {
  kind: 'card';
  tone?: 'ok' | 'info' | 'warn' | 'error';
  header?: string;
  text?: string;
  fields?: Field[];
  sections?: Section[];
  buttons?: Button[];
  /** Small print at the bottom (owner, last updated, hints). */
  context?: string[];
  /** For lists: which page this is and the buttons to move. */
  pager?: { label: string; previous?: Button; next?: Button };
  /**
   * This card shows a secret once (a new API key): the request log keeps this stand-in instead,
   * and a redelivery of the request is answered with it. Never rendered.
   */
  shownOnce?: CardModel;
};

export type FormFieldModel =
  | { id: string; label: string; type: 'text'; multiline?: boolean; placeholder?: string; initial?: string; optional?: boolean; maxLength?: number }
  | { id: string; label: string; type: 'datetime'; initial?: Date; optional?: boolean }
  | { id: string; label: string; type: 'date'; initial?: string; optional?: boolean }
  | { id: string; label: string; type: 'number'; initial?: string; optional?: boolean; decimal?: boolean }
  | { id: string; label: string; type: 'select'; options: Array<{ label: string; value: string }>; initial?: string; optional?: boolean }
  /** Typeahead over the customers the user may see (Slack: external select). */
  | { id: string; label: string; type: 'customer'; initial?: { label: string; value: string }; optional?: boolean; placeholder?: string };

export type FormModel = {
  kind: 'form';
  /** Routes the submission; the same id both bots use. */
  formId: 'visit.log' | 'visit.plan' | 'visit.outcome' | 'visit.reschedule' | 'customer.new' | 'opp.new' | 'opp.lost_reason' | 'opp.rate' | 'quote.reject' | 'quote.new';
  title: string;
  submit: string;
  close: string;
  fields: FormFieldModel[];
  /** Ids the submission needs (e.g. which visit), kept small. */
  metadata?: Record<string, string>;
};

export type Reply = CardModel;
