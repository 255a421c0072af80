import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { commands } from '../bots/registry';
import type { Config } from '../config';
import type { MikroORM } from '../db/orm';
import type { Logger } from '../logger';
import { linkPlaygroundWorkspace, type PlaygroundPerson } from './demo-workspace';
import { startFakeSlack, type FakeSlack } from './fake-slack';
import { bringNextReminder } from './next-reminder';
import { createSlackDriver, type SlackDriver } from './slack-driver';
import { Workspace, type WorkspaceChange } from './workspace';

export const playgroundTeam = { id: 'T0PLAYGROUND', name: 'SFA Playground' };

/**
 * The playground is for trying the product on one machine: in development only, never beside a
 * real Slack app, and with web and worker in one process (its Web API lives in that process).
 */
export function playgroundWanted(config: Config): boolean {
  const s = config.slack;
  return config.playground && config.nodeEnv === 'development' && config.role === 'all' && !s.signingSecret && !s.botToken && !s.oauth;
}

export type Playground = {
  /** The Slack settings the bot runs with: the playground's own secret and token, its Web API. */
  slack: Config['slack'];
  mount(app: Express): void;
  /** Ends the live streams (they would hold the server open) and closes the Web API. */
  stop(): Promise<void>;
};

const assets = ['index.html', 'app.js', 'app.css'];

/** src/playground/web, from src (tsx) or dist/src (the build does not copy it). */
function webDir(): string {
  const candidates = [path.join(__dirname, 'web'), path.resolve(__dirname, '../../../src/playground/web')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * A Slack workspace in the browser for trying the product without one: the demo tenant's people
 * and channels, a fake Slack Web API the bot is pointed at, and a page that sends the bot signed
 * requests exactly as Slack would. The bot runs as it does in production and does not know.
 */
export async function startPlayground(config: Config, orm: MikroORM, logger: Logger): Promise<Playground> {
  const log = logger.child({ component: 'playground' });
  const fake = await startFakeSlack({ team: playgroundTeam, triggerTtlMs: 10_000 });
  const people = await linkPlaygroundWorkspace(orm, playgroundTeam.id, log);
  for (const p of people) fake.setUser(p.slackUserId, { name: p.name, real_name: p.name, tz: p.timezone, locale: p.locale === 'zh-CN' ? 'zh-CN' : 'en-US', email: p.email });
  const workspace = new Workspace(fake, (id) => `/playground/files/${encodeURIComponent(id)}`);
  const slack = { signingSecret: randomBytes(24).toString('hex'), botToken: `xoxb-playground-${randomBytes(12).toString('hex')}`, apiUrl: fake.url, adminUserIds: [] };
  const streams = new Set<Response>();
  let driver: SlackDriver | undefined;
  const driverFor = (req: Request) =>
    (driver ??= createSlackDriver({ baseUrl: `http://127.0.0.1:${req.socket.localPort}`, signingSecret: slack.signingSecret, teamId: playgroundTeam.id, fake, ackDeadlineMs: 10_000 }));
  const api = playgroundApi({ orm, fake, workspace, people, driverFor, streams, log });
  return {
    slack,
    mount(app) {
      app.get('/', (_req, res) => res.sendFile(path.join(webDir(), 'index.html')));
      // The page refers to its script and styles relatively, so they are served beside it too.
      for (const file of assets.filter((f) => f !== 'index.html')) app.get([`/${file}`, `/playground/web/${file}`], (_req, res) => res.sendFile(path.join(webDir(), file)));
      app.get('/playground/files/:id', (req, res) => {
        const file = fake.files.find((f) => f.file_id === req.params.id);
        if (!file) return void res.sendStatus(404);
        res.type(path.extname(file.filename) || 'application/octet-stream').send(file.bytes);
      });
      app.use('/playground/api', express.json({ limit: '256kb' }), api);
    },
    async stop() {
      for (const res of streams) res.end();
      streams.clear();
      await fake.close();
    },
  };
}

type ApiDeps = {
  orm: MikroORM;
  fake: FakeSlack;
  workspace: Workspace;
  people: PlaygroundPerson[];
  driverFor: (req: Request) => SlackDriver;
  streams: Set<Response>;
  log: Logger;
};

const slackId = z.string().regex(/^[A-Z0-9]{1,20}$/);
const ts = z.string().regex(/^\d{1,12}\.\d{1,6}$/);
const action = z.object({
  type: z.string().max(40),
  action_id: z.string().max(255),
  value: z.string().max(2000).optional(),
  selected_option: z.object({ text: z.unknown(), value: z.string().max(2000) }).optional(),
  selected_date: z.string().max(10).optional(),
  selected_time: z.string().max(5).optional(),
  selected_date_time: z.number().int().optional(),
  selected_options: z.array(z.object({ text: z.unknown(), value: z.string().max(2000) })).max(100).optional(),
  selected_user: slackId.optional(),
});

function playgroundApi(d: ApiDeps): express.Router {
  const router = express.Router();
  const person = (id: unknown) => d.people.find((p) => p.slackUserId === id);
  const channels = [{ id: 'C0SALES', name: 'sales' }, ...unitChannels(d.people)];
  const dmOf = (user: string) => `D${user.slice(1)}`;
  const mayRead = (user: string, channel: string) => channel === dmOf(user) || channels.some((c) => c.id === channel);
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? 'directmessage';

  /** Parses the body with `schema` and checks the person and channel; answers 400 itself when they are wrong. */
  const parse = <T extends z.ZodTypeAny>(schema: T, input: unknown, res: Response): (z.infer<T> & { user: string }) | null => {
    const parsed = schema.safeParse(input);
    const body = parsed.success ? (parsed.data as { user: string; channel?: string }) : null;
    if (!body || !person(body.user) || (body.channel !== undefined && !mayRead(body.user, body.channel))) {
      res.status(400).json({ ok: false, error: 'bad_request' });
      return null;
    }
    return body as z.infer<T> & { user: string };
  };

  router.get('/workspace', (_req, res) => {
    res.json({
      team: playgroundTeam,
      bot: { userId: d.fake.botUserId, name: 'SFA' },
      users: d.people.map((p) => ({ id: p.slackUserId, name: p.name, role: p.role, unit: p.unit, locale: p.locale, timezone: p.timezone })),
      channels,
      commands: commands.map((c) => ({ name: `/${c.name}`, description: c.teamsHint })),
    });
  });

  router.get('/conversation', (req, res) => {
    const q = parse(z.object({ user: slackId, channel: slackId }), req.query, res);
    if (q) res.json({ messages: d.workspace.conversation(q.channel, q.user).map((m) => ({ ...m, bot: m.user === d.fake.botUserId, userName: m.user === d.fake.botUserId ? 'SFA' : (person(m.user)?.name ?? m.user), ephemeral: !!m.ephemeralFor })) });
  });

  router.get('/views', (req, res) => {
    const q = parse(z.object({ user: slackId }), req.query, res);
    if (q) res.json(d.workspace.views(q.user));
  });

  router.get('/stream', (req, res) => {
    const q = parse(z.object({ user: slackId }), req.query, res);
    if (!q) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const send = (change: WorkspaceChange) => {
      if (change.kind !== 'conversation' && change.user !== q.user) return;
      if (change.kind === 'conversation' && !mayRead(q.user, change.channel)) return;
      res.write(`data: ${JSON.stringify(change.kind === 'conversation' ? change : { kind: change.kind })}\n\n`);
    };
    const stop = d.workspace.onChange(send);
    const beat = setInterval(() => res.write(': beat\n\n'), 15_000).unref();
    d.streams.add(res);
    req.on('close', () => {
      stop();
      clearInterval(beat);
      d.streams.delete(res);
    });
  });

  router.post('/command', async (req, res) => {
    const b = parse(z.object({ user: slackId, channel: slackId, text: z.string().min(2).max(4000) }), req.body, res);
    if (!b) return;
    const m = /^\/(\S+)\s*([\s\S]*)$/.exec(b.text.trim());
    if (!m || !commands.some((c) => c.name === m[1])) return void res.json({ ok: false, error: `${m ? `/${m[1]}` : b.text} is not a command here. Try /sfa help.` });
    const origin: { user: string; channel: string; sourceTs?: string } = { user: b.user, channel: b.channel };
    // Slack turns #channel and @person into ids for commands that ask it to (should_escape).
    const text = commands.find((c) => c.name === m[1])!.slackEscapes ? escapedAsSlackDoes(m[2]!, channels, d.people) : m[2]!;
    const ack = await d.driverFor(req).command(b.user, `/${m[1]}`, text, { channelId: b.channel, channelName: channelName(b.channel), responseUrl: d.workspace.responseUrlFor(origin), triggerId: d.workspace.triggerFor(b.user), ackOnly: true });
    if (ack.status !== 200) return void res.json({ ok: false, error: `the bot answered ${ack.status}` });
    origin.sourceTs = d.workspace.acked(origin, ack.body);
    res.json({ ok: true });
  });

  router.post('/message', (req, res) => {
    const b = parse(z.object({ user: slackId, channel: slackId, text: z.string().min(1).max(4000) }), req.body, res);
    if (!b) return;
    d.workspace.said(b.user, b.channel, b.text);
    res.json({ ok: true });
  });

  router.post('/action', async (req, res) => {
    const b = parse(z.object({ user: slackId, channel: slackId.optional(), messageTs: ts.optional(), viewId: slackId.optional(), blockId: z.string().max(255), action }), req.body, res);
    if (!b) return;
    const common = { ...b.action, block_id: b.blockId, triggerId: d.workspace.triggerFor(b.user) };
    if (b.viewId) {
      const view = d.workspace.view(b.user, b.viewId);
      if (!view) return void res.status(404).json({ ok: false, error: 'view_not_found' });
      await d.driverFor(req).blockAction(b.user, { ...common, view });
      return void res.json({ ok: true });
    }
    const message = b.channel && b.messageTs ? d.workspace.message(b.channel, b.messageTs) : undefined;
    if (!message || (message.ephemeralFor && message.ephemeralFor !== b.user)) return void res.status(404).json({ ok: false, error: 'message_not_found' });
    await d.driverFor(req).blockAction(b.user, {
      ...common,
      channelId: message.channel,
      message: { ts: message.ts, text: message.text, blocks: message.blocks },
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: !!message.ephemeralFor },
      responseUrl: d.workspace.responseUrlFor({ user: b.user, channel: message.channel, sourceTs: message.ts }),
    });
    res.json({ ok: true });
  });

  router.post('/submit', async (req, res) => {
    const b = parse(z.object({ user: slackId, viewId: slackId, values: z.record(z.record(z.record(z.unknown()))) }), req.body, res);
    if (!b) return;
    const view = d.workspace.view(b.user, b.viewId);
    if (!view) return void res.status(404).json({ ok: false, error: 'view_not_found' });
    const ack = await d.driverFor(req).viewSubmission(b.user, { ...view, callback_id: String(view.callback_id ?? ''), state: { values: b.values } }, { triggerId: d.workspace.triggerFor(b.user) });
    d.workspace.submitted(b.user, b.viewId, ack.body);
    const body = ack.body && typeof ack.body === 'object' ? ack.body : {};
    res.json(body.response_action === 'errors' ? { ok: false, errors: body.errors } : { ok: ack.status === 200 });
  });

  router.post('/close', (req, res) => {
    const b = parse(z.object({ user: slackId, viewId: slackId }), req.body, res);
    if (!b) return;
    d.workspace.closed(b.user, b.viewId);
    res.json({ ok: true });
  });

  // A typeahead in a modal or the Home tab (viewId), or in a message (channel and messageTs).
  router.get('/options', async (req, res) => {
    const q = parse(z.object({ user: slackId, viewId: slackId.optional(), channel: slackId.optional(), messageTs: ts.optional(), blockId: z.string().max(255), actionId: z.string().max(255), value: z.string().max(2000).default('') }), req.query, res);
    if (!q) return;
    const view = q.viewId ? d.workspace.view(q.user, q.viewId) : undefined;
    const message = !q.viewId && q.channel && q.messageTs ? d.workspace.message(q.channel, q.messageTs) : undefined;
    if (!view && !message) return void res.status(404).json({ ok: false, error: 'not_found' });
    const answer = await d.driverFor(req).blockSuggestion(q.user, { action_id: q.actionId, block_id: q.blockId, value: q.value, ...(view ? { view } : {}) });
    res.json(answer.body && typeof answer.body === 'object' ? answer.body : { options: [] });
  });

  router.post('/home', async (req, res) => {
    const b = parse(z.object({ user: slackId }), req.body, res);
    if (!b) return;
    await d.driverFor(req).event({ event: { type: 'app_home_opened', user: b.user, channel: dmOf(b.user), tab: 'home' } });
    res.json({ ok: true });
  });

  router.post('/clock', async (req, res) => {
    const b = parse(z.object({ user: slackId }), req.body, res);
    if (!b) return;
    res.json({ ok: true, ...(await bringNextReminder(d.orm, person(b.user)!)) });
  });

  return router;
}

/** `#sales` → `<#C0SALES|sales>`, `@Anna Schmidt` → `<@U…|Anna Schmidt>`, for the names this workspace has. */
export function escapedAsSlackDoes(text: string, channels: Array<{ id: string; name: string }>, people: Array<{ slackUserId: string; name: string }>): string {
  const byLength = [...people].sort((a, b) => b.name.length - a.name.length);
  return text
    .replace(/(^|\s)#([\w-]+)/g, (all, pre: string, name: string) => {
      const channel = channels.find((c) => c.name === name.toLowerCase());
      return channel ? `${pre}<#${channel.id}|${channel.name}>` : all;
    })
    .replace(/(^|\s)@(\S[^@]*)/g, (all, pre: string, rest: string) => {
      const person = byLength.find((p) => rest.toLowerCase().startsWith(p.name.toLowerCase()));
      return person ? `${pre}<@${person.slackUserId}|${person.name}>${rest.slice(person.name.length)}` : all;
    });
}

/** A channel per team (the units under the top one), as a sales organisation would have. */
function unitChannels(people: PlaygroundPerson[]): Array<{ id: string; name: string }> {
  const teams = [...new Set(people.map((p) => p.unit?.split('/')[1]).filter((u): u is string => !!u))].sort();
  return teams.map((t, i) => ({ id: `C0TEAM${i + 1}`, name: t.toLowerCase().replace(/[^a-z0-9]+/g, '-') || `team-${i + 1}` }));
}
