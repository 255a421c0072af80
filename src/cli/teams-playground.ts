/**
 * `npm run teams:playground`: the Teams bot in the Microsoft 365 Agents Playground (a mock Teams
 * client in the browser), as the demo company's people. The demo tenant is seeded on first start
 * and linked to a mock AAD tenant; every demo user gets a stable AAD object id, so the bot knows
 * the person the playground says is talking. The service runs in this process in TEAMS_DEV_MODE
 * (no Bot Framework tokens), the playground as a child process; either one ending ends both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfigOrExit } from '../config';
import { migrate, openOrm, type MikroORM } from '../db/orm';
import { createLogger } from '../logger';
import { ensureDemoTenant } from './seed-demo.command';

/** The mock AAD tenant the demo tenant is linked to (the playground's `tenantId`). */
export const playgroundTenantId = '5e3d7c1a-9b8f-4c2e-a6d4-0f1e2d3c4b5a';
/** The bot as the playground shows it (Teams bot ids are `28:<app id>`). */
export const playgroundBot = { id: '28:8a4f2e6b-1c3d-4e5f-9a7b-6c5d4e3f2a1b', name: 'SFA' };
const playgroundTeam = { id: '19:sfa-playground-team@thread.tacv2', name: 'Demo Sales', aadGroupId: 'c0ffee00-5fa0-4d3e-8b2a-7e6f5d4c3b2a' };
const playgroundChannel = { id: '19:sfa-playground-sales@thread.tacv2', name: 'Sales' };
const playgroundGroupChat = { id: '19:sfa-playground-group@thread.v2', name: 'SFA Playground' };
/** The playground's config file format (its JSON schema allows exactly five other users). */
const configVersion = '0.1.1';
const otherUsersCount = 5;

/** Someone of the demo company, as the playground presents them to the bot. */
export type TeamsPlaygroundPerson = {
  userId: string;
  name: string;
  email: string;
  role: 'admin' | 'manager' | 'rep';
  unit: string | null;
  /** The manager of the person's org unit, if any. */
  unitManagerId: string | null;
  orgUnitId: string | null;
  locale: string;
  timezone: string;
  aadObjectId: string;
};

export type LinkedDemoTenant = { tenantId: string; slug: string; defaultLocale: string; seeded: boolean; people: TeamsPlaygroundPerson[] };

/**
 * Links the demo tenant to the mock AAD tenant and gives each of its users a stable AAD object id
 * (derived from the user's id) where they have none, as a Teams install and first messages would.
 * Safe to run on every start: ids already set are kept.
 */
export async function linkDemoTenantToTeams(orm: MikroORM, opts: { slug?: string } = {}): Promise<LinkedDemoTenant> {
  const slug = opts.slug ?? 'demo';
  const tenant = await ensureDemoTenant(orm, slug);
  await orm.em.fork().transactional(async (tx) => {
    // The AAD tenant id is unique: another tenant holding the mock one (an earlier run's) lets go.
    await tx.execute(`update tenants set teams_tenant_id = null where teams_tenant_id = ? and id <> ?`, [playgroundTenantId, tenant.id]);
    await tx.execute(`update tenants set teams_tenant_id = ? where id = ?`, [playgroundTenantId, tenant.id]);
    // md5 of a fixed prefix and the user's id, read as a GUID: the same id on every run and machine.
    await tx.execute(
      `update users set teams_tenant_id = ?, teams_aad_object_id = md5('sfa-teams-playground:' || id::text)::uuid::text
        where tenant_id = ? and teams_aad_object_id is null`,
      [playgroundTenantId, tenant.id],
    );
  });
  const rows = await orm.em.fork().getConnection().execute<Array<Record<string, unknown>>>(
    `select u.id, u.name, u.email, u.role, u.locale, u.timezone, u.teams_aad_object_id, u.org_unit_id, ou.name_path as unit, ou.manager_id
       from users u left join org_units ou on ou.id = u.org_unit_id
      where u.tenant_id = ? and u.active
      order by case u.role when 'admin' then 0 when 'manager' then 1 else 2 end, u.email collate "C"`,
    [tenant.id],
  );
  const people = rows.map((r) => ({
    userId: String(r.id),
    name: String(r.name),
    email: String(r.email ?? ''),
    role: r.role as TeamsPlaygroundPerson['role'],
    unit: (r.unit as string | null) ?? null,
    unitManagerId: (r.manager_id as string | null) ?? null,
    orgUnitId: (r.org_unit_id as string | null) ?? null,
    locale: String(r.locale),
    timezone: String(r.timezone),
    aadObjectId: String(r.teams_aad_object_id),
  }));
  return { tenantId: tenant.id, slug, defaultLocale: tenant.defaultLocale, seeded: tenant.seeded, people };
}

/**
 * Who the playground's "current user" is: `wanted` (an email, the part before the @, or a name;
 * case does not matter), or else the first rep who speaks the tenant's language.
 */
export function pickCurrentUser(people: TeamsPlaygroundPerson[], defaultLocale: string, wanted?: string): TeamsPlaygroundPerson {
  const w = wanted?.trim().toLowerCase();
  if (w) {
    const found = people.find((p) => p.email.toLowerCase() === w || p.email.toLowerCase().split('@')[0] === w || p.name.toLowerCase() === w);
    if (found) return found;
    throw new Error(`PLAYGROUND_USER=${wanted} is none of the demo tenant's active users; choose one of:\n${people.map(describePerson).map((s) => `  ${s}`).join('\n')}`);
  }
  const reps = people.filter((p) => p.role === 'rep');
  const person = reps.find((p) => p.locale === defaultLocale) ?? reps[0] ?? people[0];
  if (!person) throw new Error('the demo tenant has no active users');
  return person;
}

export const describePerson = (p: TeamsPlaygroundPerson): string => `${p.name} <${p.email}> (${p.role}${p.unit ? `, ${p.unit}` : ''})`;

/**
 * The five other people the playground puts in its group chat and team (its format takes exactly
 * five): the current user's manager, the admin, then teammates, then anyone else.
 */
export function otherPlaygroundUsers(people: TeamsPlaygroundPerson[], current: TeamsPlaygroundPerson): TeamsPlaygroundPerson[] {
  const rank = (p: TeamsPlaygroundPerson) =>
    p.userId === current.unitManagerId ? 0 : p.role === 'admin' ? 1 : current.orgUnitId && p.orgUnitId === current.orgUnitId ? 2 : p.role === 'manager' ? 3 : 4;
  const others = people.filter((p) => p.userId !== current.userId).map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
  if (others.length < otherUsersCount) throw new Error(`the Agents Playground needs ${otherUsersCount} other users besides you; the demo tenant has ${others.length}`);
  return others.slice(0, otherUsersCount);
}

/** A Chinese name is a one-character surname and a given name; any other is given names and a last word. */
function nameParts(name: string): { givenName: string; surname: string } {
  const words = name.trim().split(/\s+/);
  if (words.length > 1) return { givenName: words.slice(0, -1).join(' '), surname: words[words.length - 1]! };
  if (/^[\u4e00-\u9fff]{2,4}$/.test(name)) return { givenName: name.slice(1), surname: name.slice(0, 1) };
  return { givenName: name, surname: name };
}

function playgroundUser(p: TeamsPlaygroundPerson) {
  // A Teams user id is `29:…`; the AAD object id is what the bot identifies the person by.
  return { id: `29:${p.aadObjectId}`, name: p.name, userPrincipleName: p.email, aadObjectId: p.aadObjectId, ...nameParts(p.name), email: p.email };
}

export type PlaygroundConfig = ReturnType<typeof playgroundConfig>;

/** The playground's config file content (its `.m365agentsplayground.yml`). */
export function playgroundConfig(current: TeamsPlaygroundPerson, others: TeamsPlaygroundPerson[]) {
  return {
    version: configVersion,
    tenantId: playgroundTenantId,
    bot: playgroundBot,
    currentUser: playgroundUser(current),
    users: others.map(playgroundUser),
    // One personal chat per person: switching users does not move one person's chat to another.
    personalChat: { id: `a:sfa-playground-${current.aadObjectId}` },
    groupChat: playgroundGroupChat,
    team: { ...playgroundTeam, channels: [playgroundChannel] },
  };
}

/**
 * Writes the config file. JSON is YAML, so no YAML library is needed; the playground parses it
 * with its own.
 */
export function writePlaygroundConfig(file: string, config: PlaygroundConfig): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const header = [
    '# Written by `npm run teams:playground` on every start; edits are lost.',
    '# The Microsoft 365 Agents Playground config (https://aka.ms/teams-app-test-tool-config-guide):',
    '# the demo tenant linked to a mock AAD tenant, its people with their AAD object ids.',
  ];
  fs.writeFileSync(file, `${header.join('\n')}\n${JSON.stringify(config, null, 2)}\n`);
}

/** The playground's command line: its own script run by this Node, so no shell or .cmd shim is involved. */
export function playgroundCommand(): { node: string; script: string } {
  let pkgFile: string;
  try {
    pkgFile = require.resolve('@microsoft/m365agentsplayground/package.json');
  } catch {
    throw new Error('the Microsoft 365 Agents Playground is not installed: run `npm install` (it is a dev dependency)');
  }
  const bin = (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { bin: Record<string, string> }).bin.agentsplayground!;
  return { node: process.execPath, script: path.join(path.dirname(pkgFile), bin) };
}

/**
 * Starts the playground against the bot's endpoint, with the config and log file in `dir`; its
 * output goes to this process's. It opens no browser unless TEAMSAPPTESTER_BROWSER says so.
 */
export function spawnPlayground(opts: { endpoint: string; port: number; dir: string; timezone?: string; env?: NodeJS.ProcessEnv; stdio?: 'inherit' | 'pipe' }): ChildProcess {
  const { node, script } = playgroundCommand();
  const env = opts.env ?? process.env;
  return spawn(node, [script, '-e', opts.endpoint, '-c', 'msteams', '-p', String(opts.port), '--disable-telemetry'], {
    cwd: opts.dir,
    stdio: ['ignore', opts.stdio ?? 'inherit', opts.stdio ?? 'inherit'],
    env: {
      ...env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(opts.dir, '.m365agentsplayground.yml'),
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(opts.dir, 'm365agentsplayground.log'),
      TEAMSAPPTESTER_BROWSER: env.TEAMSAPPTESTER_BROWSER ?? 'none',
      // The playground tells the bot its time zone (clientInfo): the person's.
      ...(opts.timezone && !env.TZ ? { TZ: opts.timezone } : {}),
    },
  });
}

/** `preferred` when nothing listens there, else a free port the system picks. */
export async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(null));
      server.listen(port, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0)) ?? preferred;
}

/** Resolves when `url` answers 200, rejects after `timeoutMs` or when `alive()` turns false. */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`the process serving ${url} ended`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // The Teams bot without credentials or token checks; the Slack playground stays off.
  const env: NodeJS.ProcessEnv = { ...process.env, TEAMS_DEV_MODE: 'true', SFA_PLAYGROUND: 'off', PORT: process.env.PORT || '3978', HOST: process.env.HOST || '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL || 'warn' };
  // With an app id the bot would check tokens, which the playground does not send.
  for (const k of ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID', 'MICROSOFT_APP_TYPE']) delete env[k];
  const config = loadConfigOrExit(env);
  const logger = createLogger(config.logLevel);

  const orm = await openOrm(config.databaseUrl);
  let linked: LinkedDemoTenant;
  let current: TeamsPlaygroundPerson;
  let others: TeamsPlaygroundPerson[];
  try {
    await migrate(orm);
    const started = Date.now();
    linked = await linkDemoTenantToTeams(orm);
    if (linked.seeded) say(`seeded the demo tenant in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    current = pickCurrentUser(linked.people, linked.defaultLocale, process.env.PLAYGROUND_USER);
    others = otherPlaygroundUsers(linked.people, current);
  } finally {
    await orm.close(true);
  }

  const dir = path.join(os.tmpdir(), 'sfa-teams-playground');
  writePlaygroundConfig(path.join(dir, '.m365agentsplayground.yml'), playgroundConfig(current, others));

  const { startService } = require('../service') as typeof import('../service');
  const service = await startService(config, logger);
  const endpoint = `http://127.0.0.1:${service.port ?? config.port}/api/messages`;
  const port = await freePort(Number(process.env.TEAMSAPPTESTER_PORT) || 56150);
  const child = spawnPlayground({ endpoint, port, dir, timezone: current.timezone });

  let exiting = false;
  const finish = (code: number) => {
    if (exiting) return;
    exiting = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    service.stop().then(
      () => process.exit(code),
      (err) => { logger.error({ err }, 'shutdown failed'); process.exit(1); },
    );
  };
  child.once('error', (err) => { process.stderr.write(`the Agents Playground did not start: ${err.message}\n`); finish(1); });
  child.once('exit', (code, signal) => {
    if (!exiting) say(`the Agents Playground ended (${signal ?? `exit code ${code}`}${code ? `; its log: ${path.join(dir, 'm365agentsplayground.log')}` : ''}); stopping the bot`);
    finish(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
  });
  process.once('SIGINT', () => finish(0));
  process.once('SIGTERM', () => finish(0));

  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 60_000, () => child.exitCode === null && child.signalCode === null);
  } catch (err) {
    process.stderr.write(`the Agents Playground did not come up: ${(err as Error).message}; its log: ${path.join(dir, 'm365agentsplayground.log')}\n`);
    return finish(1);
  }
  say('');
  say(`You are ${describePerson(current)}; the bot listens at ${endpoint} (TEAMS_DEV_MODE).`);
  say(`Someone else: PLAYGROUND_USER=<email or name> npm run teams:playground. Config and log: ${dir}`);
  say(`>>> Open http://localhost:${port}/ to talk to the Teams bot in the Microsoft 365 Agents Playground (Ctrl-C stops both) <<<`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`teams:playground failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
