import { ErrorCode } from '@slack/web-api';
import { classifySlackError } from '../../../src/bots/slack/slack-notifier';

const platform = (error: string) => Object.assign(new Error(error), { code: ErrorCode.PlatformError, data: { ok: false, error } });

test('Slack errors that no retry can fix are permanent', () => {
  for (const code of ['user_not_found', 'channel_not_found', 'is_archived', 'account_inactive', 'not_in_channel', 'token_revoked', 'invalid_blocks']) {
    expect(classifySlackError(platform(code))).toEqual({ kind: 'permanent', code });
  }
});

test('429 keeps its Retry-After; other answers are retried, and lost answers are uncertain', () => {
  expect(classifySlackError(Object.assign(new Error('rate'), { code: ErrorCode.RateLimitedError, retryAfter: 7 }))).toEqual({ kind: 'rate_limited', retryAfterMs: 7000 });
  expect(classifySlackError(platform('internal_error'))).toEqual({ kind: 'transient', code: 'internal_error', uncertain: false });
  expect(classifySlackError(Object.assign(new Error('503'), { code: ErrorCode.HTTPError }))).toEqual({ kind: 'transient', code: 'http_error', uncertain: true });
  expect(classifySlackError(Object.assign(new Error('socket hang up'), { code: ErrorCode.RequestError }))).toEqual({ kind: 'transient', code: 'request_error', uncertain: true });
});
