import { ConfigError, loadConfig } from '../../../src/config';

test('per-key limits of POST /api/signals: 60,000 events a minute and 50 requests a second unless set', () => {
  expect(loadConfig({}).signals).toEqual({ eventsPerMinute: 60_000, requestsPerSecond: 50 });
  expect(loadConfig({ SIGNALS_EVENTS_PER_MINUTE: '1000000', SIGNALS_REQUESTS_PER_SECOND: '5' }).signals).toEqual({ eventsPerMinute: 1_000_000, requestsPerSecond: 5 });
});

test.each([['SIGNALS_EVENTS_PER_MINUTE', '0'], ['SIGNALS_EVENTS_PER_MINUTE', 'lots'], ['SIGNALS_REQUESTS_PER_SECOND', '-1'], ['SIGNALS_REQUESTS_PER_SECOND', '2.5']])('%s=%s is refused, naming the variable', (name, value) => {
  let err: unknown;
  try {
    loadConfig({ [name]: value });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).problems).toEqual([expect.stringMatching(new RegExp(`^${name} must be a whole number from 1 to`))]);
});
