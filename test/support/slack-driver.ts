export * from '../../src/playground/slack-driver';
