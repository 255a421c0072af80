/** Pure renderers: platform-neutral reply models → Slack Block Kit JSON, always within limits. */
export { renderCardBlocks, buildCardBlocks, renderButton, FALLBACK_TEXT_MAX } from './card-blocks';
export type { SlackMessage, BuiltBlocks } from './card-blocks';
export { renderFormView, readFormValues, readFormMetadata, renderFieldErrors } from './form-view';
export type { FormValues } from './form-view';
export { renderHomeView } from './home-view';
export { renderOptions } from './options';
export { actionIdPattern, actionOf, isActionId, slackActionId, ACTION_IDS } from './action-ids';
export { escapeMrkdwn } from './text';
export { SLACK_LIMITS } from './limits';
