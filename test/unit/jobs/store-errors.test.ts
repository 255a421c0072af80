import { databaseUnavailable } from '../../../src/jobs/store-errors';

/** What PostgreSQL being down looks like to a job (shapes taken from pg and MikroORM here), and what it does not. */
test('connection refused, a restart and a dropped connection mean "wait for the database"', () => {
  expect(databaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5499'), { code: 'ECONNREFUSED' }))).toBe(true);
  expect(databaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', name: 'error' }))).toBe(true);
  expect(databaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
  expect(databaseUnavailable(new Error('select 1 - Connection terminated unexpectedly'))).toBe(true);
  expect(databaseUnavailable(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'))).toBe(true);
  expect(databaseUnavailable(Object.assign(new Error('x'), { name: 'ConnectionException' }))).toBe(true);
});

test('a wrong query, a constraint, a Redis error or a platform error are not', () => {
  expect(databaseUnavailable(Object.assign(new Error('syntax error at or near "selec"'), { code: '42601' }))).toBe(false);
  expect(databaseUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
  expect(databaseUnavailable(new Error('Reached the max retries per request limit (which is 2).'))).toBe(false);
  expect(databaseUnavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(false);
  expect(databaseUnavailable(new Error('delivery failed, will retry: ratelimited'))).toBe(false);
  expect(databaseUnavailable(null)).toBe(false);
});
