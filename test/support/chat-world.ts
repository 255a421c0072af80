import type { User } from '../../src/domain/org/user.entity';
import { startFakeTeams, teamsActivity, type FakeTeams } from './fake-teams';
import { startSlackWorld } from './slack-world';

export const aadTenant = '3c7f5a92-8d41-4b6e-9f20-6a1d2c3b4e5f';

export type TeamsPerson = { aadObjectId: string; name: string; tenantId: string; locale?: string };

/**
 * The service with both bots on one tenant (a company on Slack and on Teams): the Slack world's
 * fake Slack, and a fake Bot Framework connector the Teams activities name as their serviceUrl.
 */
export async function startChatWorld(extraEnv: Record<string, string> = {}) {
  const teams: FakeTeams = await startFakeTeams();
  const w = await startSlackWorld({ TEAMS_DEV_MODE: 'true', ...extraEnv });
  await w.em().getConnection().execute(`update tenants set teams_tenant_id = ? where id = ?`, [aadTenant, w.tenant.id]);
  const messages = `${w.slack.endpoint.replace('/slack/events', '')}/api/messages`;
  return {
    ...w,
    teams,
    /** Gives a person of the tenant a Teams account too. */
    async onTeams(user: User, aadObjectId: string, locale = 'en-US'): Promise<TeamsPerson> {
      await w.em().getConnection().execute(`update users set teams_aad_object_id = ?, teams_tenant_id = ? where id = ?`, [aadObjectId, aadTenant, user.id]);
      return { aadObjectId, name: user.name, tenantId: aadTenant, locale };
    },
    activity: (person: TeamsPerson, extra: Record<string, unknown>) => teamsActivity(teams, person, extra),
    postTeams: (activity: unknown) => fetch(messages, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) }),
    stop: async () => {
      await w.stop();
      await teams.close();
    },
  };
}
export type ChatWorld = Awaited<ReturnType<typeof startChatWorld>>;
