import { listFailedDeliveries } from '../../domain/deliveries/list-failed-deliveries';
import { listOrgUnits } from '../../domain/org/list-org-units';
import { listTeamMembers } from '../../domain/org/list-team-members';
import { ensureOrgUnitPath } from '../../domain/org/ensure-org-unit-path';
import { moveUserToUnit } from '../../domain/org/move-user-to-unit';
import { setUnitManager } from '../../domain/org/set-unit-manager';
import { setUserRole } from '../../domain/org/set-user-role';
import { OrgUnit } from '../../domain/org/org-unit.entity';
import { User } from '../../domain/org/user.entity';
import { limitOf } from '../../domain/quotes/approval-policy';
import { setApprovalPolicy } from '../../domain/quotes/set-approval-policy';
import { requireRole, resolveAccess } from '../../domain/shared/access';
import { card, type CommandContext, type CommandResult } from './command-context';
import { parseSfaCommand } from './command-grammar';
import { failedDeliveriesCard } from '../../cards/presenters/failed-deliveries-card';
import { clip } from '../../cards/presenters/format';

/** `/sfa help` for everyone, `/sfa admin …` for admins (the domain re-checks the role). */
export async function sfaCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t } = ctx;
  const parsed = parseSfaCommand(text);
  if (parsed.kind === 'help') return card({ kind: 'card', text: t('help.sfa') });
  if (parsed.kind === 'invalid') return card({ kind: 'card', tone: 'warn', text: `\`${parsed.example}\`\n${t('help.admin')}` });
  requireRole(await resolveAccess(ctx.em, ctx.actor), ['admin'], 'use admin commands');
  switch (parsed.kind) {
    case 'admin_help':
      return card({ kind: 'card', text: t('help.admin') });
    case 'admin_units': {
      const units = await listOrgUnits(ctx.em, ctx.actor);
      return card({ kind: 'card', header: t('admin.unitsHeader'), sections: [{ lines: units.slice(0, 40).map((u) => `${'  '.repeat(u.depth)}• *${clip(u.namePath.split('/').at(-1), 40)}* · ${u.memberCount}${u.managerName ? ` · ${clip(u.managerName, 30)}` : ''}`) }] });
    }
    case 'admin_users': {
      const users = await listTeamMembers(ctx.em, ctx.actor);
      return card({ kind: 'card', header: t('admin.usersHeader'), sections: [{ lines: users.slice(0, 60).map((u) => `• ${clip(u.name, 40)} · ${u.role}${u.slackUserId ? ` · <@${u.slackUserId}>` : ''}`) }] });
    }
    case 'admin_failures':
      return card(failedDeliveriesCard(await listFailedDeliveries(ctx.em, ctx.actor, { limit: 20 }), ctx));
    case 'admin_approvals': {
      const current = ctx.tenant.approvalPolicy;
      const limit = (role: 'rep' | 'manager', percent?: string, total?: string) =>
        percent || total ? { [role]: { ...limitOf(current, role)!, ...(percent ? { maxPercentOff: percent } : {}), ...(total ? { maxTotal: total } : {}) } } : {};
      const changes = { ...limit('rep', parsed.rep, parsed.repTotal), ...limit('manager', parsed.manager, parsed.managerTotal) };
      const tenant = Object.keys(changes).length ? await setApprovalPolicy(ctx.em, ctx.actor, changes) : ctx.tenant;
      const rep = limitOf(tenant.approvalPolicy, 'rep')!;
      const manager = limitOf(tenant.approvalPolicy, 'manager')!;
      const totals = [rep.maxTotal ? t('admin.approvalsRepTotal', { total: rep.maxTotal }) : '', manager.maxTotal ? t('admin.approvalsManagerTotal', { total: manager.maxTotal }) : ''].filter(Boolean).join(' ');
      return card({ kind: 'card', tone: Object.keys(changes).length ? 'ok' : 'info', text: `${t('admin.approvals', { rep: rep.maxPercentOff, manager: manager.maxPercentOff })}${totals ? ` ${totals}` : ''}` });
    }
    case 'admin_role': {
      const user = await findUser(ctx, parsed.user);
      if (!user) return card({ kind: 'card', tone: 'warn', text: t('admin.unknownUser', { user: parsed.user }) });
      await setUserRole(ctx.em, ctx.actor, user.id, parsed.role);
      return card({ kind: 'card', tone: 'ok', text: t('admin.roleSet', { name: user.name, role: t(`admin.roles.${parsed.role}`) }) });
    }
    case 'admin_unit': {
      const user = await findUser(ctx, parsed.user);
      if (!user) return card({ kind: 'card', tone: 'warn', text: t('admin.unknownUser', { user: parsed.user }) });
      const unit = await ctx.em.findOne(OrgUnit, { tenantId: ctx.tenant.id, namePath: normalisePath(parsed.unit) });
      if (!unit) return card({ kind: 'card', tone: 'warn', text: t('admin.unknownUnit', { unit: parsed.unit }) });
      await moveUserToUnit(ctx.em, ctx.actor, user.id, unit.id);
      return card({ kind: 'card', tone: 'ok', text: t('admin.unitSet', { name: user.name, unit: unit.namePath }) });
    }
    case 'admin_manager': {
      const user = await findUser(ctx, parsed.user);
      if (!user) return card({ kind: 'card', tone: 'warn', text: t('admin.unknownUser', { user: parsed.user }) });
      const unit = await ctx.em.findOne(OrgUnit, { tenantId: ctx.tenant.id, namePath: normalisePath(parsed.unit) });
      if (!unit) return card({ kind: 'card', tone: 'warn', text: t('admin.unknownUnit', { unit: parsed.unit }) });
      await setUnitManager(ctx.em, ctx.actor, unit.id, user.id);
      return card({ kind: 'card', tone: 'ok', text: t('admin.managerSet', { name: user.name, unit: unit.namePath }) });
    }
    case 'admin_unit_create': {
      const unit = await ensureOrgUnitPath(ctx.em, ctx.actor, parsed.unit);
      return card({ kind: 'card', tone: 'ok', text: t('admin.unitCreated', { unit: unit.namePath }) });
    }
  }
}

const normalisePath = (path: string) => path.split('/').map((p) => p.trim()).filter(Boolean).join('/');

/** A mention's Slack id, a Teams AAD id or an email. */
async function findUser(ctx: CommandContext, ref: string): Promise<User | null> {
  const tenantId = ctx.tenant.id;
  return ctx.em.findOne(User, { tenantId, $or: [{ slackUserId: ref }, { teamsAadObjectId: ref }, { email: ref.toLowerCase() }] });
}
