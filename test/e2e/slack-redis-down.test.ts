import { Interaction } from '../../src/domain/activities/interaction.entity';
import { makeCustomer, makeUser } from '../support/factories';
import { startSlackWorld, type SlackWorld } from '../support/slack-world';

// Its own file: the service keeps a per-process cache of workspaces, and this world's database differs.
describe('with Redis unreachable', () => {
  let w: SlackWorld;

  beforeAll(async () => {
    w = await startSlackWorld({ REDIS_URL: 'redis://127.0.0.1:1', SFA_ROLE: 'web' });
    const rep = await makeUser(w.em(), w.tenant, { slackUserId: 'UNOREDIS', name: 'Nora Rep' });
    await makeCustomer(w.em(), w.tenant, rep.user, 'Offline Inc');
  }, 60_000);

  afterAll(async () => {
    await w.stop();
  });

  test('a writing command runs in the web process and still answers', async () => {
    const res = await w.slack.command('UNOREDIS', '/visit', 'Offline Inc met the buyer');
    expect(res.ms).toBeLessThan(3000);
    expect(JSON.stringify(res.body)).toContain('Offline Inc');
    expect(await w.em().count(Interaction, { notes: 'met the buyer' })).toBe(1);
  });
});
