import type { MikroORM } from '../db/orm';
import { ensureDemoTenant } from '../cli/seed-demo.command';
import type { Logger } from '../logger';

/** Someone of the demo company, as the playground's workspace knows them. */
export type PlaygroundPerson = {
  userId: string;
  tenantId: string;
  slackUserId: string;
  name: string;
  role: 'admin' | 'manager' | 'rep';
  unit: string | null;
  locale: string;
  timezone: string;
  email: string;
  reminderLeadMinutes: number;
};

/**
 * The demo tenant (seeded on first start) installed in the playground's workspace, as a real
 * install would be: the tenant gets the workspace's team id, each person a Slack user id. Safe to
 * run on every start.
 */
export async function linkPlaygroundWorkspace(orm: MikroORM, teamId: string, log: Logger): Promise<PlaygroundPerson[]> {
  const db = orm.em.fork().getConnection();
  const started = Date.now();
  const tenant = await ensureDemoTenant(orm);
  if (tenant.seeded) log.info({ ms: Date.now() - started }, 'playground: seeded the demo tenant');
  await db.execute(`update tenants set slack_team_id = null where slack_team_id = ? and id <> ?`, [teamId, tenant.id]);
  await db.execute(`update tenants set slack_team_id = ? where id = ?`, [teamId, tenant.id]);
  // A stable id per person, in Slack's form (U + upper-case letters and digits).
  await db.execute(`update users set slack_team_id = ?, slack_user_id = coalesce(slack_user_id, 'U' || upper(substr(replace(id::text, '-', ''), 1, 10))) where tenant_id = ?`, [teamId, tenant.id]);
  const rows = await db.execute<Array<Record<string, unknown>>>(
    `select u.id, u.tenant_id, u.slack_user_id, u.name, u.role, ou.name_path as unit, u.locale, u.timezone, u.email, u.reminder_lead_minutes
       from users u left join org_units ou on ou.id = u.org_unit_id
      where u.tenant_id = ? and u.active
      order by case u.role when 'admin' then 0 when 'manager' then 1 else 2 end, u.name`,
    [tenant.id],
  );
  return rows.map((r) => ({
    userId: String(r.id),
    tenantId: String(r.tenant_id),
    slackUserId: String(r.slack_user_id),
    name: String(r.name),
    role: r.role as PlaygroundPerson['role'],
    unit: (r.unit as string | null) ?? null,
    locale: String(r.locale),
    timezone: String(r.timezone),
    email: String(r.email),
    reminderLeadMinutes: Number(r.reminder_lead_minutes),
  }));
}
