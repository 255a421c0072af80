/**
 * Sends requests to the app's `/slack/events` exactly as Slack does: form-encoded slash commands,
 * `payload=` interactivity (block_actions, view_submission, block_suggestion), JSON events, all
 * signed with the signing secret. Options forge what an attacker or a slow network would
 * (stale/future timestamps, tampered bodies). Ack bodies are checked against Block Kit limits
 * and the 3 s ack deadline; breaches go to the fake's violations().
 */
import { createHmac, randomBytes } from 'node:crypto';
import { checkBlockKitLimits, checkOptionsResponse, type FakeSlack } from './fake-slack';

export type SignOptions = {
  /** Seconds added to "now" for X-Slack-Request-Timestamp (-360 = 6 minutes old, 360 = future). */
  timestampOffsetSec?: number;
  /** Change the body after signing: true appends a field; a function rewrites the raw body. */
  tamper?: boolean | ((body: string) => string);
  /** Sign with this secret instead of the real one. */
  signingSecret?: string;
  /** Send without X-Slack-Signature / X-Slack-Request-Timestamp. */
  unsigned?: boolean;
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
};

export type SlackResponse = {
  status: number;
  /** Parsed JSON when the app answered JSON, else the text ('' for an empty ack). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Record<string, string>;
  /** Round-trip time in ms, as Slack would measure the ack. */
  ms: number;
  /** Exactly what was sent: `driver.raw(r.request.body, r.request.headers)` replays it. */
  request: { body: string; headers: Record<string, string> };
  /**
   * For a command the app acknowledged with "working on it" and answered through its
   * response_url: that first ack. `body` is then the answer, as the user ends up seeing it.
   */
  ack?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
};

export type CommandOptions = SignOptions & {
  channelId?: string;
  channelName?: string;
  responseUrl?: string;
  triggerId?: string;
  /** Return the bare ack, without waiting for the answer a queued command posts later. */
  ackOnly?: boolean;
};

export type BlockActionInput = {
  action_id: string;
  value?: string;
  block_id?: string;
  /** Element type; default 'button'. */
  type?: string;
  /** A message the action came from (its ts becomes known to the fake for chat.update). */
  message?: { ts: string; [k: string]: unknown };
  /** A view the action came from (modal or Home). */
  view?: { id?: string; [k: string]: unknown };
  container?: Record<string, unknown>;
  channelId?: string;
  responseUrl?: string;
  /** The trigger_id Slack hands the app (default: a fresh one). */
  triggerId?: string;
  /** Anything else goes into the action: selected_option, selected_date, ... */
  [k: string]: unknown;
};

export type ViewInput = {
  callback_id: string;
  private_metadata?: string;
  state?: { values: Record<string, Record<string, unknown>> };
  id?: string;
  type?: 'modal';
  [k: string]: unknown;
};

export type SlackDriverOptions = {
  /** The app's base URL, e.g. http://127.0.0.1:PORT */
  baseUrl: string;
  signingSecret: string;
  teamId: string;
  fake: FakeSlack;
  teamDomain?: string;
  appId?: string;
  /** Default '/slack/events'. */
  path?: string;
  /** Slack gives up on an ack after 3000 ms. */
  ackDeadlineMs?: number;
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Slack's request signature headers for a raw body. */
export function signSlackRequest(signingSecret: string, body: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  const ts = String(timestampSec);
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
}

export function createSlackDriver(opts: SlackDriverOptions) {
  const { fake, teamId } = opts;
  const endpoint = `${opts.baseUrl.replace(/\/$/, '')}${opts.path ?? '/slack/events'}`;
  const teamDomain = opts.teamDomain ?? fake.team.domain ?? 'test';
  const appId = opts.appId ?? fake.appId;
  const deadline = opts.ackDeadlineMs ?? 3000;
  const verificationToken = 'legacy-verification-token';

  const userName = (userId: string): string => fake.user(userId)?.name ?? userId.toLowerCase();
  const userObj = (userId: string) => ({ id: userId, username: userName(userId), name: userName(userId), team_id: teamId });
  const teamObj = () => ({ id: teamId, domain: teamDomain });
  const channelId = (userId: string, given?: string) => given ?? `D${userId.replace(/^[UW]/, '')}`;

  async function send(rawBody: string, headers: Record<string, string>): Promise<SlackResponse> {
    const started = performance.now();
    const res = await fetch(endpoint, { method: 'POST', headers, body: rawBody });
    const text = await res.text();
    const ms = Math.round(performance.now() - started);
    const ct = res.headers.get('content-type') ?? '';
    let body: Json = text;
    if (ct.includes('json') && text) {
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
    }
    return { status: res.status, body, headers: Object.fromEntries(res.headers.entries()), ms, request: { body: rawBody, headers } };
  }

  async function signedPost(rawBody: string, contentType: string, sign: SignOptions = {}, extraHeaders: Record<string, string> = {}): Promise<SlackResponse> {
    const ts = Math.floor(Date.now() / 1000) + (sign.timestampOffsetSec ?? 0);
    const signature = sign.unsigned ? {} : signSlackRequest(sign.signingSecret ?? opts.signingSecret, rawBody, ts);
    let sent = rawBody;
    if (sign.tamper === true) sent = contentType.includes('json') ? JSON.stringify({ ...JSON.parse(rawBody), tampered: true }) : `${rawBody}&tampered=1`;
    else if (typeof sign.tamper === 'function') sent = sign.tamper(rawBody);
    return send(sent, { 'content-type': contentType, 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', ...signature, ...extraHeaders, ...sign.headers });
  }

  /** Slack's side of the contract: ack within the deadline, with a body Slack accepts. */
  function audit(kind: string, res: SlackResponse, check?: (body: Json) => string[]): SlackResponse {
    const problems: string[] = [];
    if (res.status === 200 && res.ms > deadline) problems.push(`${kind} acknowledged after ${res.ms} ms (Slack gives up after ${deadline} ms)`);
    if (res.status === 200 && check && res.body && typeof res.body === 'object') problems.push(...check(res.body));
    fake.recordViolation(`ack:${kind}`, problems);
    return res;
  }

  const interactive = (payload: Json, sign?: SignOptions) => signedPost(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', sign);

  return {
    endpoint,

    /** A slash command, e.g. command('U1', '/visit', 'ACME met the CFO'). */
    async command(userId: string, command: string, text: string, o: CommandOptions = {}): Promise<SlackResponse> {
      const cid = channelId(userId, o.channelId);
      const responseId = rand(12);
      const form = new URLSearchParams({
        token: verificationToken,
        team_id: teamId,
        team_domain: teamDomain,
        channel_id: cid,
        channel_name: o.channelName ?? (cid.startsWith('D') ? 'directmessage' : 'general'),
        user_id: userId,
        user_name: userName(userId),
        command,
        text,
        api_app_id: appId,
        is_enterprise_install: 'false',
        response_url: o.responseUrl ?? fake.responseUrl(responseId),
        trigger_id: o.triggerId ?? fake.issueTrigger(),
      });
      const res = audit(command, await signedPost(form.toString(), 'application/x-www-form-urlencoded', o), (b) => (b.blocks || b.text !== undefined || b.attachments ? checkBlockKitLimits(b) : []));
      const queued = res.status === 200 && typeof res.body === 'object' && !res.body.blocks && String(res.body.text ?? '').startsWith('⏳');
      if (!queued || o.ackOnly || o.responseUrl) return res;
      const answer = await fake.waitFor('response', (r) => r.id === responseId, 15_000);
      return { ...res, ack: res.body, body: answer.body };
    },

    /** A click (or select) in a message or view: a block_actions payload. */
    async blockAction(userId: string, input: BlockActionInput, sign: SignOptions = {}): Promise<SlackResponse> {
      const { message, view, container, channelId: givenChannel, responseUrl, triggerId, action_id, value, block_id, type, ...rest } = input;
      const cid = channelId(userId, givenChannel);
      const action: Json = { type: type ?? 'button', action_id, block_id: block_id ?? rand(4), action_ts: tsNow(), ...rest };
      if (value !== undefined) action.value = value;
      if (action.type === 'button' && action.text === undefined) action.text = { type: 'plain_text', text: action_id, emoji: true };
      const payload: Json = {
        type: 'block_actions',
        user: userObj(userId),
        api_app_id: appId,
        token: verificationToken,
        trigger_id: triggerId ?? fake.issueTrigger(),
        team: teamObj(),
        enterprise: null,
        is_enterprise_install: false,
        actions: [action],
        state: { values: {} },
      };
      if (view) {
        const seeded = { id: view.id ?? `V${rand(10)}`, team_id: teamId, type: 'modal', callback_id: '', private_metadata: '', state: { values: {} }, hash: `${Math.floor(Date.now() / 1000)}.${rand(8).toLowerCase()}`, blocks: [], ...view };
        fake.seedView(seeded);
        payload.view = seeded;
        payload.container = container ?? { type: 'view', view_id: seeded.id };
      } else {
        const ts = message?.ts ?? tsNow();
        if (message) {
          fake.seedMessage(cid, message);
          payload.message = { type: 'message', user: fake.botUserId, bot_id: fake.botId, text: '', ...message };
        }
        payload.container = container ?? { type: 'message', message_ts: ts, channel_id: cid, is_ephemeral: !message };
        payload.channel = { id: cid, name: cid.startsWith('D') ? 'directmessage' : 'general' };
        payload.response_url = responseUrl ?? fake.responseUrl();
      }
      return audit(`block_actions:${action_id}`, await interactive(payload, sign));
    },

    /** Submits a modal. Returns the ack (response_action errors/update/push/clear, or empty). */
    async viewSubmission(userId: string, view: ViewInput, sign: SignOptions & { triggerId?: string } = {}): Promise<SlackResponse> {
      const full = {
        id: view.id ?? `V${rand(10)}`,
        team_id: teamId,
        type: 'modal',
        blocks: [],
        private_metadata: '',
        state: { values: {} },
        hash: `${Math.floor(Date.now() / 1000)}.${rand(8).toLowerCase()}`,
        title: { type: 'plain_text', text: 'Form', emoji: true },
        app_id: appId,
        bot_id: fake.botId,
        root_view_id: view.id,
        previous_view_id: null,
        ...view,
      };
      if (!full.root_view_id) full.root_view_id = full.id;
      fake.seedView(full);
      const payload = {
        type: 'view_submission',
        team: teamObj(),
        user: userObj(userId),
        api_app_id: appId,
        token: verificationToken,
        trigger_id: sign.triggerId ?? fake.issueTrigger(),
        view: full,
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      };
      const res = await interactive(payload, sign);
      return audit(`view_submission:${view.callback_id}`, res, (b) => {
        if ((b.response_action === 'update' || b.response_action === 'push') && b.view) return checkBlockKitLimits(b.view).map((m) => m.replace('[json-pointer:', '[json-pointer:/view'));
        if (b.response_action === 'errors') {
          return Object.entries(b.errors ?? {}).filter(([, m]) => typeof m !== 'string' || m.length > 150 || m.length === 0).map(([k]) => `[ERROR] error message for block '${k}' must be 1-150 characters [json-pointer:/errors/${k}]`);
        }
        return [];
      });
    },

    /** The user closed a modal (only sent when notify_on_close is true). */
    async viewClosed(userId: string, view: ViewInput, sign: SignOptions = {}): Promise<SlackResponse> {
      const payload = { type: 'view_closed', team: teamObj(), user: userObj(userId), api_app_id: appId, token: verificationToken, view: { id: view.id ?? `V${rand(10)}`, team_id: teamId, type: 'modal', state: { values: {} }, ...view }, is_cleared: false, is_enterprise_install: false };
      return audit(`view_closed:${view.callback_id}`, await interactive(payload, sign));
    },

    /** An external_select typeahead: returns the app's `{ options }`. */
    async blockSuggestion(userId: string, input: { action_id: string; block_id: string; value: string; view?: Record<string, unknown> }, sign: SignOptions = {}): Promise<SlackResponse> {
      const view = { id: `V${rand(10)}`, team_id: teamId, type: 'modal', callback_id: '', private_metadata: '', state: { values: {} }, blocks: [], ...input.view };
      const payload = {
        type: 'block_suggestion',
        user: userObj(userId),
        container: { type: 'view', view_id: view.id },
        api_app_id: appId,
        token: verificationToken,
        action_id: input.action_id,
        block_id: input.block_id,
        value: input.value,
        team: teamObj(),
        enterprise: null,
        is_enterprise_install: false,
        view,
      };
      const res = await interactive(payload, sign);
      return audit(`block_suggestion:${input.action_id}`, res, checkOptionsResponse);
    },

    /**
     * An Events API delivery. `eventBody` is the envelope ({type:'event_callback', event, ...});
     * missing envelope fields are filled in. retryNum adds X-Slack-Retry-Num/-Reason like Slack's retries.
     */
    async event(eventBody: Record<string, unknown>, o: SignOptions & { retryNum?: number; retryReason?: string } = {}): Promise<SlackResponse> {
      const event = (eventBody.event ?? {}) as Json;
      const envelope = {
        token: verificationToken,
        team_id: teamId,
        api_app_id: appId,
        type: 'event_callback',
        event_id: `Ev${rand(10)}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: (eventBody.team_id as string) ?? teamId, user_id: fake.botUserId, is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
        ...eventBody,
        event: eventBody.event === undefined ? undefined : { event_ts: tsNow(), ...event },
      };
      const retryHeaders: Record<string, string> = o.retryNum !== undefined ? { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': o.retryReason ?? 'http_timeout' } : {};
      const res = await signedPost(JSON.stringify(envelope), 'application/json', o, retryHeaders);
      return audit(`event:${String(event.type ?? envelope.type)}`, res);
    },

    /** Posts a body with exactly these headers (no signing): for replays and hand-made attacks. */
    raw(body: string, headers: Record<string, string>): Promise<SlackResponse> {
      return send(body, headers);
    },

    /** Signs any body as Slack would (with the same forging options) and posts it. */
    signed(body: string, contentType: string, sign: SignOptions = {}): Promise<SlackResponse> {
      return signedPost(body, contentType, sign);
    },
  };
}

export type SlackDriver = ReturnType<typeof createSlackDriver>;

function rand(n: number): string {
  return randomBytes(n).toString('hex').toUpperCase().slice(0, n);
}

function tsNow(): string {
  const us = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}
