import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../domain/audit/record-audit';
import { ensurePath, splitUnitPath } from '../domain/org/ensure-org-unit-path';
import { OrgUnit } from '../domain/org/org-unit.entity';
import { roles, User, type Locale, type Role } from '../domain/org/user.entity';
import { resolveAccess } from '../domain/shared/access';
import { systemActor } from '../domain/shared/actor';
import { isDomainError } from '../domain/shared/domain-error';
import { newId } from '../domain/shared/ids';
import type { CommandContext } from './context';
import { flagRepeats, parseCsv, type CsvRow, type RowError } from './csv';
import { normaliseLocale, normaliseTimezone } from './fields';
import { emptyResult, runImportCommand, type ImportArgs, type ImportResult } from './import-result';
import { resolveTenant } from './resolve-tenant';

export const userColumns = {
  required: ['email', 'name'],
  optional: ['role', 'org_unit', 'slack_user_id', 'teams_user_id', 'locale', 'timezone'],
} as const;

export type UserImportResult = ImportResult & { unitsCreated: number; managersSet: number };

/** A row that passed the checks that need no database; null = the cell was empty. */
type UserRow = {
  line: number;
  email: string;
  name: string;
  role: Role | null;
  unitPath: string[] | null;
  slackUserId: string | null;
  teamsUserId: string | null;
  locale: Locale | null;
  timezone: string | null;
};

const emailSchema = z.string().email().max(254);
const slackIdPattern = /^[UW][A-Z0-9]{2,31}$/;
const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function readUserRow({ line, values: v }: CsvRow): { row: UserRow | null; problems: string[] } {
  const problems: string[] = [];
  const email = (v.email ?? '').toLowerCase();
  if (!email) problems.push('email is required');
  else if (!emailSchema.safeParse(email).success) problems.push(`email "${email}" is not a valid email address`);
  const name = v.name ?? '';
  if (!name) problems.push('name is required');
  else if (name.length > 200) problems.push('name must be at most 200 characters');

  const roleText = (v.role ?? '').toLowerCase();
  const role = roleText ? (roles as readonly string[]).includes(roleText) ? (roleText as Role) : null : null;
  if (roleText && !role) problems.push(`role "${v.role}" must be rep, manager or admin`);

  let unitPath: string[] | null = null;
  if (v.org_unit) {
    try {
      unitPath = splitUnitPath(v.org_unit);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      problems.push(`org_unit: ${err.message}`);
    }
  }
  const slackUserId = v.slack_user_id ? v.slack_user_id.toUpperCase() : null;
  if (slackUserId && !slackIdPattern.test(slackUserId)) problems.push(`slack_user_id "${v.slack_user_id}" must be a Slack member ID such as U012AB3CDE`);
  const teamsUserId = v.teams_user_id ? v.teams_user_id.toLowerCase() : null;
  if (teamsUserId && !guidPattern.test(teamsUserId)) problems.push(`teams_user_id "${v.teams_user_id}" must be the user's Microsoft Entra object ID (a GUID)`);
  const locale = v.locale ? normaliseLocale(v.locale) : null;
  if (v.locale && !locale) problems.push(`locale "${v.locale}" must be en or zh-CN`);
  const timezone = v.timezone ? normaliseTimezone(v.timezone) : null;
  if (v.timezone && !timezone) problems.push(`timezone "${v.timezone}" is not an IANA time zone such as Asia/Shanghai`);

  if (problems.length > 0) return { row: null, problems };
  return { row: { line, email, name, role, unitPath, slackUserId, teamsUserId, locale, timezone }, problems };
}

/** Problems between rows of the file: the same person or chat id twice, two managers for a unit. */
function crossRowErrors(rows: UserRow[]): RowError[] {
  return [
    ...flagRepeats(rows.map((r) => ({ line: r.line, key: r.email })), (k, lines) => `email ${k} appears more than once (lines ${lines.join(', ')})`),
    ...flagRepeats(rows.map((r) => ({ line: r.line, key: r.slackUserId })), (k, lines) => `slack_user_id ${k} appears more than once (lines ${lines.join(', ')})`),
    ...flagRepeats(rows.map((r) => ({ line: r.line, key: r.teamsUserId })), (k, lines) => `teams_user_id ${k} appears more than once (lines ${lines.join(', ')})`),
    ...flagRepeats(
      rows.filter((r) => r.role === 'manager' && r.unitPath).map((r) => ({ line: r.line, key: r.unitPath!.join('/') })),
      (k, lines) => `org unit ${k} has more than one manager (lines ${lines.join(', ')})`,
    ),
  ];
}

/**
 * Imports people and the org tree from CSV into one tenant, in one transaction. Users are
 * matched by email (or, for someone who signed up from chat without an email, by chat id).
 * An empty cell means "not given": new users get the default, existing users keep their value.
 * A manager row makes that person the manager of the unit on their row.
 * Any bad row stops the whole import unless `skipInvalid` is set.
 */
export async function importUsers(em: EntityManager, tenantSlug: string | undefined, csvText: string, opts: { skipInvalid?: boolean } = {}): Promise<UserImportResult> {
  const parsed = parseCsv(csvText, userColumns);
  const errors: RowError[] = [...parsed.errors];
  const rows: UserRow[] = [];
  for (const csvRow of parsed.rows) {
    const { row, problems } = readUserRow(csvRow);
    errors.push(...problems.map((reason) => ({ line: csvRow.line, reason })));
    if (row) rows.push(row);
  }
  errors.push(...crossRowErrors(rows));
  const rowCount = parsed.rows.length + parsed.errors.length;

  return em.transactional(async (tx) => {
    const tenant = await resolveTenant(tx, tenantSlug);
    const access = await resolveAccess(tx, systemActor(tenant.id, 'cli'));

    const idsOf = (pick: (r: UserRow) => string | null) => rows.map(pick).filter((x): x is string => !!x);
    // One query per kind of id, in turn: queries on one transaction's connection run one at a time anyway.
    const byEmail = await tx.find(User, { tenantId: tenant.id, email: { $in: idsOf((r) => r.email) } });
    const bySlack = await tx.find(User, { tenantId: tenant.id, slackUserId: { $in: idsOf((r) => r.slackUserId) } });
    const byTeams = await tx.find(User, { tenantId: tenant.id, teamsAadObjectId: { $in: idsOf((r) => r.teamsUserId) } });
    const matches = new Map<number, User | null>();
    for (const row of rows) {
      const slackHolder = row.slackUserId ? bySlack.find((u) => u.slackUserId === row.slackUserId) ?? null : null;
      const teamsHolder = row.teamsUserId ? byTeams.find((u) => u.teamsAadObjectId === row.teamsUserId) ?? null : null;
      // Someone who first appeared in chat without an email is the same person as this row.
      const existing = byEmail.find((u) => u.email === row.email) ?? [slackHolder, teamsHolder].find((u) => u && u.email === null) ?? null;
      const who = (u: User) => `${u.name}${u.email ? ` <${u.email}>` : ''}`;
      if (slackHolder && slackHolder !== existing) errors.push({ line: row.line, reason: `slack_user_id ${row.slackUserId} already belongs to ${who(slackHolder)}` });
      if (teamsHolder && teamsHolder !== existing) errors.push({ line: row.line, reason: `teams_user_id ${row.teamsUserId} already belongs to ${who(teamsHolder)}` });
      matches.set(row.line, existing);
    }

    const badLines = new Set(errors.map((e) => e.line));
    const result: UserImportResult = { ...emptyResult(tenant.slug, rowCount, errors), unitsCreated: 0, managersSet: 0 };
    if (badLines.size > 0 && !opts.skipInvalid) return result;

    const unitsBefore = await tx.count(OrgUnit, { tenantId: tenant.id });
    const units = new Map<string, OrgUnit>();
    const unitFor = async (parts: string[]) => {
      const key = parts.join('/');
      if (!units.has(key)) units.set(key, await ensurePath(tx, access, parts));
      return units.get(key)!;
    };

    const created: User[] = [];
    const saved = new Map<number, User>();
    for (const row of rows.filter((r) => !badLines.has(r.line))) {
      const unit = row.unitPath ? await unitFor(row.unitPath) : null;
      const existing = matches.get(row.line) ?? null;
      if (!existing) {
        const user = tx.create(User, {
          id: newId(),
          tenantId: tenant.id,
          email: row.email,
          name: row.name,
          role: row.role ?? 'rep',
          orgUnitId: unit?.id ?? null,
          locale: row.locale ?? tenant.defaultLocale,
          timezone: row.timezone ?? tenant.defaultTimezone,
          slackUserId: row.slackUserId,
          slackTeamId: row.slackUserId ? tenant.slackTeamId : null,
          teamsAadObjectId: row.teamsUserId,
          teamsTenantId: row.teamsUserId ? tenant.teamsTenantId : null,
        } as User);
        created.push(user);
        saved.set(row.line, user);
        continue;
      }
      const wanted: Partial<User> = {
        email: row.email,
        name: row.name,
        ...(row.role ? { role: row.role } : {}),
        ...(unit ? { orgUnitId: unit.id } : {}),
        ...(row.locale ? { locale: row.locale } : {}),
        ...(row.timezone ? { timezone: row.timezone } : {}),
        ...(row.slackUserId ? { slackUserId: row.slackUserId, slackTeamId: existing.slackTeamId ?? tenant.slackTeamId } : {}),
        ...(row.teamsUserId ? { teamsAadObjectId: row.teamsUserId, teamsTenantId: existing.teamsTenantId ?? tenant.teamsTenantId } : {}),
      };
      const changes = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => (existing as Record<string, unknown>)[k] !== v));
      saved.set(row.line, existing);
      if (Object.keys(changes).length === 0) {
        result.unchanged++;
        continue;
      }
      const before = snapshot(existing);
      tx.assign(existing, changes as Partial<User>);
      recordAudit(tx, access, 'user.update', { type: 'user', id: existing.id }, before, snapshot(existing));
      result.updated++;
    }
    await tx.flush();
    for (const user of created) recordAudit(tx, access, 'user.create', { type: 'user', id: user.id }, null, snapshot(user));
    result.created = created.length;

    for (const row of rows.filter((r) => r.role === 'manager' && r.unitPath && saved.has(r.line))) {
      const unit = units.get(row.unitPath!.join('/'))!;
      const manager = saved.get(row.line)!;
      if (unit.managerId === manager.id) continue;
      const before = snapshot(unit);
      unit.managerId = manager.id;
      recordAudit(tx, access, 'org_unit.set_manager', { type: 'org_unit', id: unit.id }, before, snapshot(unit));
      result.managersSet++;
    }
    await tx.flush();
    result.unitsCreated = (await tx.count(OrgUnit, { tenantId: tenant.id })) - unitsBefore;
    result.skipped = badLines.size;
    result.imported = true;
    return result;
  });
}

export async function importUsersCommand(ctx: CommandContext, args: ImportArgs): Promise<number> {
  const { code, result } = await runImportCommand(ctx, 'users', args, importUsers);
  if (result.imported && (result.unitsCreated > 0 || result.managersSet > 0)) {
    ctx.out(`org units: ${result.unitsCreated} created, ${result.managersSet} manager${result.managersSet === 1 ? '' : 's'} set`);
  }
  return code;
}
