/**
 * Layer rules for src (`npm run lint:deps`, and test/unit/architecture.test.ts). Arrows point
 * down: bots → cards, jobs, domain; jobs → cards, domain; cards → domain (types, pure rules);
 * the domain knows none of them.
 */
const platformSdks = '^node_modules/(@slack|@microsoft|botbuilder|botframework)';

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'An import cycle anywhere in src.', severity: 'error', from: { path: '^src' }, to: { circular: true } },
    { name: 'jobs-not-bots', comment: 'Jobs get the chat platforms handed in at the composition root.', severity: 'error', from: { path: '^src/jobs' }, to: { path: '^src/bots' } },
    {
      name: 'domain-inward',
      comment: 'The domain serves both bots and every job; it knows none of them, nor chat SDKs, queues or HTTP.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: ['^src/(bots|jobs|cards|http|cli|db)/', `${platformSdks}`, '^node_modules/(bullmq|ioredis|express|chart\\.js|chartjs-node-canvas|canvas)/'] },
    },
    {
      name: 'cards-pure',
      comment: 'Cards are pure functions of a reply model: no database, queue, network or chat layer.',
      severity: 'error',
      from: { path: '^src/cards' },
      to: { path: ['^src/(bots|jobs|http|cli|db)/', '^node_modules/(@mikro-orm|bullmq|ioredis|express|@slack/bolt)/'] },
    },
    {
      name: 'chat-sdks-in-platform-folders',
      comment: 'Features and the pipeline are platform-neutral: Slack and Teams SDKs only in bots/slack and bots/teams.',
      severity: 'error',
      from: { path: '^src/bots', pathNot: '^src/bots/(slack|teams)/' },
      to: { path: platformSdks, dependencyTypesNot: ['type-only'] },
    },
    { name: 'nothing-knows-the-playground', comment: 'The bots, jobs, domain and cards run the same in the playground as in Slack: only the composition root starts it.', severity: 'error', from: { path: '^src/(bots|jobs|domain|cards|db|http)/' }, to: { path: '^src/playground/' } },
    { name: 'slack-not-teams', severity: 'error', from: { path: '^src/bots/slack/' }, to: { path: '^src/bots/teams/' } },
    { name: 'teams-not-slack', severity: 'error', from: { path: '^src/bots/teams/' }, to: { path: '^src/bots/slack/' } },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
