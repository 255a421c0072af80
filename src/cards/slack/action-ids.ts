import type { ActionId } from '../reply-model';

/**
 * Every ActionId once. Typed as a full record so adding an id to the reply model without adding it
 * here (or the reverse) fails to compile.
 */
const KNOWN: Record<ActionId, true> = {
  'customer.open': true,
  'customer.create': true,
  'customer.create_anyway': true,
  'customer.claim': true,
  'customer.release': true,
  'customer.pool_page': true,
  'customer.pick': true,
  'visit.log_outcome': true,
  'visit.reschedule': true,
  'visit.cancel': true,
  'visit.list_page': true,
  'visit.plan_for': true,
  'visit.log_for': true,
  'opp.open': true,
  'opp.stage': true,
  'opp.win': true,
  'opp.lose': true,
  'opp.list_page': true,
  'opp.snooze': true,
  'opp.new_for': true,
  'opp.rate': true,
  'opp.tick': true,
  'opp.stage_anyway': true,
  'nudge.advance': true,
  'opp.back': true,
  'quote.approve': true,
  'quote.reject': true,
  'quote.open': true,
  'quote.sent': true,
  'quote.accept': true,
  'forecast.factor_remove': true,
  'signal.dismiss': true,
};

export const ACTION_IDS = Object.keys(KNOWN) as ActionId[];

export function isActionId(value: string): value is ActionId {
  return Object.prototype.hasOwnProperty.call(KNOWN, value);
}

/**
 * Slack wants action_ids unique within a message, so the rendered id is `${action}:${index}`.
 */
export function slackActionId(action: ActionId, index: number): string {
  return `${action}:${index}`;
}

/** For Bolt listeners: matches `visit.cancel`, `visit.cancel:3`, not `visit.cancel_all`. */
export function actionIdPattern(action: ActionId): RegExp {
  return new RegExp(`^${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:|$)`);
}

/** The ActionId behind a rendered action_id; throws on ids this app never rendered. */
export function actionOf(actionId: string): ActionId {
  const colon = actionId.indexOf(':');
  const base = colon === -1 ? actionId : actionId.slice(0, colon);
  if (!isActionId(base)) throw new Error(`Unknown Slack action_id "${actionId}"`);
  return base;
}
