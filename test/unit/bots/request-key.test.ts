import { requestKey } from '../../../src/bots/pipeline/request-log';

test('keys come from the platform’s own ids; anything that could break a job id or run long is hashed', () => {
  expect(requestKey('slack', 'cmd', '13345224609.738474920.8088930838d88f008e0')).toBe('slack.cmd.13345224609.738474920.8088930838d88f008e0');
  const teams = requestKey('teams', 'msg', '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', '1:1abc:xyz');
  expect(teams).not.toContain(':');
  expect(teams).toBe(requestKey('teams', 'msg', '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', '1:1abc:xyz'));
  expect(teams).not.toBe(requestKey('teams', 'msg', '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', '1:1abc:xyw'));
  expect(requestKey('teams', 'msg', 'u', 'x'.repeat(500)).length).toBeLessThanOrEqual(100);
});
