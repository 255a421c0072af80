import { clip } from '../../cards/presenters/format';
import { failedDeliveriesCard } from '../../cards/presenters/failed-deliveries-card';
import type { CardModel } from '../../cards/reply-model';
import { listFailedDeliveries } from '../../domain/deliveries/list-failed-deliveries';
import { ensureOrgUnitPath } from '../../domain/org/ensure-org-unit-path';
import { findMember, findOrgUnitByPath } from '../../domain/org/find-member';
import { listOrgUnits } from '../../domain/org/list-org-units';
import { listTeamMembers } from '../../domain/org/list-team-members';
import { moveUserToUnit } from '../../domain/org/move-user-to-unit';
import { setUnitManager } from '../../domain/org/set-unit-manager';
import { setUserRole } from '../../domain/org/set-user-role';
import { getApprovalLimits } from '../../domain/quotes/get-approval-limits';
import { setApprovalPolicy } from '../../domain/quotes/set-approval-policy';
import { requireRole, resolveAccess } from '../../domain/shared/access';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import { is, keywords, tokenize, type Token } from '../shared/grammar';
import type { AdminModule } from './admin-module';
import { adminModules } from './admin-modules';
import { parseSfaCommand, type SfaCommand } from './admin.grammar';

type AdminCommand = Exclude<SfaCommand, { kind: 'help' | 'invalid' }>;
type AdminHandlers = { [K in AdminCommand['kind']]: (ctx: CommandContext, parsed: Extract<AdminCommand, { kind: K }>) => Promise<CardModel> };

/** Writes are the admin verbs that change something; listing and help read. */
export function sfaWrites(text: string): 'inline' | 'queued' | false {
  const area = moduleCommand(text);
  if (area) return area.parsed && typeof area.parsed === 'object' && 'invalid' in area.parsed ? false : area.module.writes(area.parsed);
  const parsed = parseSfaCommand(text);
  const changes = ['admin_role', 'admin_unit', 'admin_manager', 'admin_unit_create'].includes(parsed.kind) || (parsed.kind === 'admin_approvals' && Object.keys(parsed).length > 1);
  return changes ? 'inline' : false;
}

/** `/sfa help` for everyone (the overview comes from the command registry), `/sfa admin …` for admins. */
export async function sfaCommand(ctx: CommandContext, text: string, overview: () => string): Promise<CommandResult> {
  const area = moduleCommand(text);
  if (area) {
    requireRole(await resolveAccess(ctx.em, ctx.actor), ['admin'], 'use admin commands');
    const { parsed } = area;
    if (parsed && typeof parsed === 'object' && 'invalid' in parsed) return card({ kind: 'card', tone: 'warn', text: String(parsed.invalid) });
    return card(await area.module.run(ctx, parsed));
  }
  const parsed = parseSfaCommand(text);
  if (parsed.kind === 'help') return card({ kind: 'card', text: overview() });
  if (parsed.kind === 'invalid') return card({ kind: 'card', tone: 'warn', text: `\`${parsed.example}\`\n${ctx.t('help.admin')}` });
  requireRole(await resolveAccess(ctx.em, ctx.actor), ['admin'], 'use admin commands');
  const handler = adminHandlers[parsed.kind] as (ctx: CommandContext, parsed: AdminCommand) => Promise<CardModel>;
  return card(await handler(ctx, parsed));
}

/** `admin <verb> …` where an area's module owns the verb: that module and what it parsed. */
function moduleCommand(text: string): { module: AdminModule; parsed: any } | null { // eslint-disable-line @typescript-eslint/no-explicit-any
  const tokens = tokenize(text);
  const verb = tokens[1];
  if (!is(tokens[0], keywords.admin) || !verb || verb.quoted) return null;
  const module = adminModules.find((m) => m.verbs.includes(verb.text.toLowerCase()));
  if (!module) return null;
  const argText = (from: Token[]) => (from.length === 1 && from[0]!.quoted ? from[0]!.text : from.length ? text.slice(from[0]!.start, from.at(-1)!.end).trim() : '');
  return { module, parsed: module.parse(tokens.slice(2), argText) };
}

const ok = (text: string): CardModel => ({ kind: 'card', tone: 'ok', text });
const warn = (text: string): CardModel => ({ kind: 'card', tone: 'warn', text });

/** Runs `then` with the person named in an admin command, or says who is unknown. */
async function withMember(ctx: CommandContext, ref: string, then: (user: { id: string; name: string }) => Promise<CardModel>): Promise<CardModel> {
  const user = await findMember(ctx.em, ctx.actor, ref);
  return user ? then(user) : warn(ctx.t('admin.unknownUser', { user: clip(ref, 60) }));
}

async function withUnit(ctx: CommandContext, path: string, then: (unit: { id: string; namePath: string }) => Promise<CardModel>): Promise<CardModel> {
  const unit = await findOrgUnitByPath(ctx.em, ctx.actor, path);
  return unit ? then(unit) : warn(ctx.t('admin.unknownUnit', { unit: clip(path, 100) }));
}

const adminHandlers: AdminHandlers = {
  admin_help: async (ctx) => ({ kind: 'card', text: ctx.t('help.admin') }),
  admin_units: async (ctx) => {
    const units = await listOrgUnits(ctx.em, ctx.actor);
    const lines = units.slice(0, 40).map((u) => `${'  '.repeat(u.depth)}• *${clip(u.namePath.split('/').at(-1), 40)}* · ${u.memberCount}${u.managerName ? ` · ${clip(u.managerName, 30)}` : ''}`);
    return { kind: 'card', header: ctx.t('admin.unitsHeader'), sections: [{ lines }] };
  },
  admin_users: async (ctx) => {
    const users = await listTeamMembers(ctx.em, ctx.actor);
    // The email, not a Slack mention: a card's text is shown as typed (and the same card goes to Teams).
    const lines = users.slice(0, 60).map((u) => `• ${clip(u.name, 40)} · ${ctx.t(`admin.roleLabels.${u.role}`)}${u.email ? ` · ${clip(u.email, 60)}` : ''}`);
    return { kind: 'card', header: ctx.t('admin.usersHeader'), sections: [{ lines }] };
  },
  admin_failures: async (ctx) => failedDeliveriesCard(await listFailedDeliveries(ctx.em, ctx.actor, { limit: 20 }), ctx),
  admin_approvals: (ctx, parsed) => approvals(ctx, parsed),
  admin_role: (ctx, parsed) =>
    withMember(ctx, parsed.user, async (user) => {
      await setUserRole(ctx.em, ctx.actor, user.id, parsed.role);
      return ok(ctx.t('admin.roleSet', { name: user.name, role: ctx.t(`admin.roles.${parsed.role}`) }));
    }),
  admin_unit: (ctx, parsed) =>
    withMember(ctx, parsed.user, (user) =>
      withUnit(ctx, parsed.unit, async (unit) => {
        await moveUserToUnit(ctx.em, ctx.actor, user.id, unit.id);
        return ok(ctx.t('admin.unitSet', { name: user.name, unit: unit.namePath }));
      }),
    ),
  admin_manager: (ctx, parsed) =>
    withMember(ctx, parsed.user, (user) =>
      withUnit(ctx, parsed.unit, async (unit) => {
        await setUnitManager(ctx.em, ctx.actor, unit.id, user.id);
        return ok(ctx.t('admin.managerSet', { name: user.name, unit: unit.namePath }));
      }),
    ),
  admin_unit_create: async (ctx, parsed) => ok(ctx.t('admin.unitCreated', { unit: (await ensureOrgUnitPath(ctx.em, ctx.actor, parsed.unit)).namePath })),
};

/** Shows the approval limits, or sets the ones named (a percent per role, and quote totals). */
async function approvals(ctx: CommandContext, parsed: Extract<AdminCommand, { kind: 'admin_approvals' }>): Promise<CardModel> {
  const { t } = ctx;
  const limit = (role: 'rep' | 'manager', percent?: string, total?: string) => (percent || total ? { [role]: { ...(percent ? { maxPercentOff: percent } : {}), ...(total ? { maxTotal: total } : {}) } } : {});
  const changes = { ...limit('rep', parsed.rep, parsed.repTotal), ...limit('manager', parsed.manager, parsed.managerTotal) };
  const changed = Object.keys(changes).length > 0;
  if (changed) await setApprovalPolicy(ctx.em, ctx.actor, changes);
  const { rep, manager } = await getApprovalLimits(ctx.em, ctx.actor);
  const totals = [rep.maxTotal ? t('admin.approvalsRepTotal', { total: rep.maxTotal }) : '', manager.maxTotal ? t('admin.approvalsManagerTotal', { total: manager.maxTotal }) : ''].filter(Boolean).join(' ');
  return { kind: 'card', tone: changed ? 'ok' : 'info', text: `${t('admin.approvals', { rep: rep.maxPercentOff, manager: manager.maxPercentOff })}${totals ? ` ${totals}` : ''}` };
}
