import { MikroORM } from '@mikro-orm/postgresql';
import { createChatLayer } from '../../../src/bots/chat-layer';
import type { QueuedChatCommand } from '../../../src/bots/pipeline/queued-command';
import { ormOptions } from '../../../src/db/orm';
import { Interaction } from '../../../src/domain/activities/interaction.entity';
import { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { createLogger } from '../../../src/logger';
import { makeCustomer, makeUser } from '../../support/factories';
import { startFakeTeams, type FakeTeams } from '../../support/fake-teams';
import { startSlackWorld, teamId, type SlackWorld } from '../../support/slack-world';

/**
 * What one command costs the database, counted from the ORM's own query log on a connection pool
 * of its own: every statement, and every commit (a transaction's, or a statement outside one,
 * which PostgreSQL commits by itself).
 */
function countingOrm(url: string) {
  const log: string[] = [];
  const orm = MikroORM.init({ ...ormOptions(url), debug: ['query'], logger: (line: string) => log.push(line) });
  return {
    orm,
    count<T>(work: () => Promise<T>) {
      const start = log.length;
      return work().then((result) => {
        const queries = log.slice(start).map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').replace(/^\[query\]\s*/, '').trim().toLowerCase());
        let inTransaction = false;
        let commits = 0;
        const statements: string[] = [];
        for (const q of queries) {
          if (q.startsWith('begin')) inTransaction = true;
          else if (q.startsWith('commit') || q.startsWith('rollback')) {
            inTransaction = false;
            if (q.startsWith('commit')) commits++;
          } else {
            statements.push(q.slice(0, 120));
            if (!inTransaction) commits++;
          }
        }
        return { result, commits, statements };
      });
    },
  };
}

let w: SlackWorld;
let teams: FakeTeams;
const aadTenant = '5f1e6b8a-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
const aadUser = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

beforeAll(async () => {
  w = await startSlackWorld();
  teams = await startFakeTeams();
  const rep = await makeUser(w.em(), w.tenant, { slackUserId: 'USTMT', name: 'Stan Rep' });
  await makeCustomer(w.em(), w.tenant, rep.user, 'Counted Co');
}, 60_000);

afterAll(async () => {
  await teams?.close();
  await w?.stop();
});

const slackVisit = (n: number): QueuedChatCommand => ({
  platform: 'slack',
  workspaceId: teamId,
  userId: 'USTMT',
  key: `slack.cmd.count-${n}`,
  receivedAt: Date.now(),
  channel: { id: 'CCOUNT', isDirect: false },
  command: 'visit',
  text: `Counted Co met the buyer ${n} on slack`,
  replyTo: { responseUrl: w.fake.responseUrl(`count-${n}`) },
});

const teamsVisit = (n: number): QueuedChatCommand => ({
  platform: 'teams',
  workspaceId: aadTenant,
  userId: aadUser,
  profile: { name: 'Tess Teams', locale: 'en-US', timezone: 'Asia/Shanghai' },
  key: `teams.msg.count-${n}`,
  receivedAt: Date.now(),
  channel: { id: `a:${aadUser}`, isDirect: true },
  conversation: { type: 'personal', reference: { serviceUrl: teams.url, channelId: 'msteams', conversation: { id: `a:${aadUser}`, conversationType: 'personal', tenantId: aadTenant }, user: { id: `29:${aadUser}`, aadObjectId: aadUser }, bot: { id: '28:sfa-bot' } } },
  command: 'visit',
  text: n === 0 ? 'help' : `Counted Teams met the buyer ${n} on teams`,
  replyTo: { reference: { serviceUrl: teams.url, channelId: 'msteams', conversation: { id: `a:${aadUser}`, conversationType: 'personal', tenantId: aadTenant }, user: { id: `29:${aadUser}`, aadObjectId: aadUser }, bot: { id: '28:sfa-bot' } } },
});

test.each(['slack', 'teams'] as const)('a logged visit on %s: one identity look-up, one transaction, at most 2 commits and 8 statements', async (platform) => {
  const counting = countingOrm(w.db.url);
  const orm = await counting.orm;
  try {
    const config = { ...w.config, teams: { ...w.config.teams, devMode: platform === 'teams' } };
    const { runner } = createChatLayer({ config, orm, logger: createLogger('silent') });
    const command = platform === 'slack' ? slackVisit : teamsVisit;
    // The first contact registers the person and warms the caches a running service has warm.
    await runner.run(command(0), { final: false });
    if (platform === 'teams') {
      const tenant = await w.em().findOneOrFail(Tenant, { teamsTenantId: aadTenant });
      const user = await w.em().getConnection().execute(`select id from users where teams_aad_object_id = ?`, [aadUser]);
      await makeCustomer(w.em(), tenant, { id: user[0].id } as never, 'Counted Teams');
    }
    await runner.run(command(1), { final: false });
    const { result, commits, statements } = await counting.count(() => runner.run(command(2), { final: false }));
    expect(result).toBe('answered');
    expect(await w.em().count(Interaction, { notes: `met the buyer 2 on ${platform}` })).toBe(1);
    expect(commits).toBeLessThanOrEqual(2);
    expect(statements.length).toBeLessThanOrEqual(8);
    // One read of the person, none of the tenant (cached), one of the customer.
    expect(statements.filter((s) => s.includes('from "users"')).length).toBe(1);
    expect(statements.filter((s) => s.includes('from "tenants"')).length).toBe(0);
  } finally {
    await orm.close(true);
  }
});
