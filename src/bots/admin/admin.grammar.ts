import type { Role } from '../../domain/org/user.entity';
import { is, keywords, tokenize, type Invalid, type Token } from '../shared/grammar';

export const adminExamples = {
  sfaHelp: '/sfa help',
  admin: '/sfa admin',
  units: '/sfa admin units',
  users: '/sfa admin users',
  failures: '/sfa admin failures',
  role: '/sfa admin role @amy manager',
  unit: '/sfa admin unit @amy Sales/East',
  manager: '/sfa admin manager Sales/East @li',
  unitCreate: '/sfa admin unit-create Sales/East/Shanghai',
  approvals: '/sfa admin approvals rep 5 manager 15',
} as const;

export type SfaInvalidReason = 'unknown_command' | 'missing_user' | 'bad_user' | 'bad_role' | 'missing_unit';

export type SfaCommand =
  | { kind: 'help' }
  | { kind: 'admin_help' }
  | { kind: 'admin_units' }
  | { kind: 'admin_users' }
  | { kind: 'admin_failures' }
  /** Show (no numbers) or set the extra-discount limits in percent. */
  | { kind: 'admin_approvals'; rep?: string; manager?: string; repTotal?: string; managerTotal?: string }
  | { kind: 'admin_role'; user: string; role: Role }
  | { kind: 'admin_unit'; user: string; unit: string }
  | { kind: 'admin_manager'; unit: string; user: string }
  | { kind: 'admin_unit_create'; unit: string }
  | Invalid<SfaInvalidReason, { user?: string; unit?: string; role?: Role }>;

const roleAliases: Record<Role, readonly string[]> = {
  rep: ['rep', 'sales', '销售', '代表'],
  manager: ['manager', 'mgr', '经理', '主管'],
  admin: ['admin', '管理员'],
};

/**
 * A user reference: a Slack mention `<@U123|amy>` / `<@U123>` → "U123"; an email as typed; a Teams
 * AAD object id (GUID). Anything else (a plain "@amy", which Slack only escapes when the command is
 * set to) is null.
 */
export function userRef(word: string | undefined): string | null {
  if (!word) return null;
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (mention) return mention[1]!;
  if (/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/.test(word)) return word;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(word)) return word;
  return null;
}

/**
 * `/sfa` or `help` → help; `admin [help]`; `admin units`; `admin users`; `admin role <user> <rep|manager|admin>`;
 * `admin unit <user> <Path/To/Unit>`; `admin manager <Path/To/Unit> <user>`; `admin unit-create <Path>`.
 * Unit paths are returned as typed (quotes removed); the caller normalises slashes and spaces.
 */
export function parseSfaCommand(text: string): SfaCommand {
  const tokens = tokenize(text);
  if (tokens.length === 0 || is(tokens[0], keywords.help)) return { kind: 'help' };
  if (!is(tokens[0], keywords.admin)) return { kind: 'invalid', reason: 'unknown_command', example: adminExamples.sfaHelp };
  const verb = tokens[1];
  if (!verb || is(verb, keywords.help)) return { kind: 'admin_help' };
  const parse = verb.quoted ? undefined : adminVerbs[verb.text.toLowerCase()];
  if (!parse) return { kind: 'invalid', reason: 'unknown_command', example: adminExamples.admin };
  const args = tokens.slice(2);
  // The words as typed, quotes removed from a single quoted one ("Sales / East" keeps its spaces).
  const argText = (from: Token[]) => (from.length === 1 && from[0]!.quoted ? from[0]!.text : from.length ? text.slice(from[0]!.start, from.at(-1)!.end).trim() : '');
  return parse(args, argText);
}

type VerbParser = (args: Token[], argText: (from: Token[]) => string) => SfaCommand;

function parseApprovals(args: Token[]): SfaCommand {
  const limits: { rep?: string; manager?: string; repTotal?: string; managerTotal?: string } = {};
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]!.text.toLowerCase();
    const text = (args[i + 1]?.text ?? '').replace(/,/g, '');
    const percent = /^(\d{1,3}(?:\.\d{1,3})?)%?$/.exec(text)?.[1];
    const amount = /^(\d{1,14}(?:\.\d{1,2})?)$/.exec(text)?.[1];
    if ((key === 'rep' || key === 'manager') && percent) limits[key] = percent;
    else if (key === 'rep-total' && amount) limits.repTotal = amount;
    else if (key === 'manager-total' && amount) limits.managerTotal = amount;
    else return { kind: 'invalid', reason: 'unknown_command', example: adminExamples.approvals };
  }
  return { kind: 'admin_approvals', ...limits };
}

function parseRole(args: Token[]): SfaCommand {
  const example = adminExamples.role;
  if (!args[0]) return { kind: 'invalid', reason: 'missing_user', example };
  const user = userRef(args[0].text);
  if (!user) return { kind: 'invalid', reason: 'bad_user', example };
  const role = (Object.keys(roleAliases) as Role[]).find((r) => args.length === 2 && roleAliases[r].includes(args[1]!.text.toLowerCase()));
  if (!role) return { kind: 'invalid', reason: 'bad_role', understood: { user }, example };
  return { kind: 'admin_role', user, role };
}

function parseUnit(args: Token[], argText: (from: Token[]) => string): SfaCommand {
  const example = adminExamples.unit;
  if (!args[0]) return { kind: 'invalid', reason: 'missing_user', example };
  const user = userRef(args[0].text);
  if (!user) return { kind: 'invalid', reason: 'bad_user', example };
  const unit = argText(args.slice(1));
  if (!unit) return { kind: 'invalid', reason: 'missing_unit', understood: { user }, example };
  return { kind: 'admin_unit', user, unit };
}

function parseManager(args: Token[], argText: (from: Token[]) => string): SfaCommand {
  const example = adminExamples.manager;
  if (args.length === 0) return { kind: 'invalid', reason: 'missing_unit', example };
  const last = args.at(-1)!;
  const user = userRef(last.text);
  const unit = argText(args.slice(0, -1));
  if (!user) {
    // "manager Sales/East" (no user yet) vs "manager Sales/East amy" (not a user reference)
    return args.length === 1 && !/^<@/.test(last.text) ? { kind: 'invalid', reason: 'missing_user', understood: { unit: argText(args) }, example } : { kind: 'invalid', reason: 'bad_user', understood: unit ? { unit } : undefined, example };
  }
  if (!unit) return { kind: 'invalid', reason: 'missing_unit', understood: { user }, example };
  return { kind: 'admin_manager', unit, user };
}

function parseUnitCreate(args: Token[], argText: (from: Token[]) => string): SfaCommand {
  const unit = argText(args);
  if (!unit) return { kind: 'invalid', reason: 'missing_unit', example: adminExamples.unitCreate };
  return { kind: 'admin_unit_create', unit };
}

const adminVerbs: Record<string, VerbParser> = {
  units: () => ({ kind: 'admin_units' }),
  users: () => ({ kind: 'admin_users' }),
  failures: () => ({ kind: 'admin_failures' }),
  approvals: parseApprovals,
  审批: parseApprovals,
  role: parseRole,
  unit: parseUnit,
  manager: parseManager,
  'unit-create': parseUnitCreate,
  unit_create: parseUnitCreate,
  'create-unit': parseUnitCreate,
};
