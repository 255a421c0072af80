// The fake Slack lives with the playground, which serves it to people; tests use the same one.
export * from '../../src/playground/fake-slack';
