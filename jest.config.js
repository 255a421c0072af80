/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 30000,
  // Much of the suite waits on real timers (reminders coming due, processes starting and dying):
  // a third worker overlaps that waiting on two cores; a fourth starves process start-ups.
  maxWorkers: 3,
};
