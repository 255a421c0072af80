import { onceEvery, storeOf } from '../../../src/jobs/quiet-log';
import type { Logger } from '../../../src/logger';

const recorder = () => {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger = { warn: (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message }) } as unknown as Logger;
  return { logger, lines };
};

test('601 identical failures in an outage are one line, then one with the count', () => {
  jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
  try {
    const { logger, lines } = recorder();
    const log = onceEvery(logger, 10_000);
    for (let i = 0; i < 601; i++) log('visit-reminder:ECONNREFUSED', { err: 'connect ECONNREFUSED 127.0.0.1:5432' }, 'job failed');
    expect(lines).toHaveLength(1);
    jest.advanceTimersByTime(10_001);
    log('visit-reminder:ECONNREFUSED', { err: 'connect ECONNREFUSED 127.0.0.1:5432' }, 'job failed');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.fields).toMatchObject({ repeated: 600, withinMs: 10_000 });
    // A different error is said at once.
    log('report-post:timeout', { err: 'timeout' }, 'job failed');
    expect(lines).toHaveLength(3);
  } finally {
    jest.useRealTimers();
  }
});

test('the store an error came from is named', () => {
  expect(storeOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { port: 5432 }))).toBe('PostgreSQL');
  expect(storeOf(new Error('Connection is closed.'))).toBe('Redis');
  expect(storeOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { port: 6390, name: 'MaxRetriesPerRequestError' }))).toBe('Redis');
  expect(storeOf(new Error('something else'))).toBeUndefined();
});
