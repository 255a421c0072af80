/**
 * A fake Slack Web API on a local HTTP server: the playground's workspace, and the only place
 * tests fake the chat platform (they use this same one).
 * The app's real Bolt / @slack/web-api code talks to it over HTTP (point `slackApiUrl` at `url`).
 *
 * It records every call, answers the way Slack does (including Slack's errors), rejects Block Kit
 * that Slack would reject, and keeps a list of such platform-limit breaches (`violations()`) so an
 * end-to-end test can assert that none happened. It also receives `response_url` posts and the
 * bytes of external file uploads.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Block Kit limits (kept independent of src/cards so a test checks the builders, not itself).
// Lengths are String#length (UTF-16 code units): never smaller than Slack's count, so safe.
// ---------------------------------------------------------------------------------------------

const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  id: 255,
  actionsElements: 25,
  contextElements: 10,
  contextText: 3000,
  selectOptions: 100,
  optionGroups: 100,
  optionText: 75,
  optionValue: 75,
  optionDescription: 75,
  overflowOptions: 5,
  checkboxOptions: 10,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInput: 3000,
  imageAlt: 2000,
  imageTitle: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  markdownBlock: 12000,
  messageText: 40000,
} as const;

const KNOWN_BLOCKS = new Set(['section', 'divider', 'header', 'image', 'context', 'actions', 'input', 'rich_text', 'markdown', 'file', 'video', 'table', 'context_actions']);
const SELECTS = new Set(['static_select', 'multi_static_select']);
const OTHER_SELECTS = new Set(['external_select', 'multi_external_select', 'users_select', 'multi_users_select', 'conversations_select', 'multi_conversations_select', 'channels_select', 'multi_channels_select']);
const TEXT_INPUTS = new Set(['plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input', 'file_input']);
const PICKERS = new Set(['datepicker', 'timepicker', 'datetimepicker']);

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

class LimitChecker {
  readonly errors: string[] = [];
  err(pointer: string, message: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }
  str(p: string, v: unknown, max: number, opts: { required?: boolean } = {}): void {
    if (v === undefined || v === null) {
      if (opts.required) this.err(p, 'missing required field');
      return;
    }
    if (typeof v !== 'string') return this.err(p, 'must be a string');
    if (v.length > max) this.err(p, `must be less than ${max + 1} characters`);
  }
  id(p: string, v: unknown): void {
    this.str(p, v, LIMITS.id);
  }
  text(p: string, t: unknown, max: number, opts: { plainOnly?: boolean; required?: boolean } = {}): void {
    if (t === undefined || t === null) {
      if (opts.required) this.err(p, 'missing required field');
      return;
    }
    if (typeof t !== 'object') return this.err(p, 'must provide an object');
    const o = t as Json;
    if (opts.plainOnly ? o.type !== 'plain_text' : o.type !== 'plain_text' && o.type !== 'mrkdwn') {
      this.err(`${p}/type`, opts.plainOnly ? "must be 'plain_text'" : 'must be a valid enum value');
    }
    if (typeof o.text !== 'string') return this.err(`${p}/text`, 'missing required field');
    if (o.text.length === 0) this.err(`${p}/text`, 'must be more than 0 characters');
    if (o.text.length > max) this.err(`${p}/text`, `must be less than ${max + 1} characters`);
  }
  array(p: string, v: unknown, max: number, opts: { min?: number; required?: boolean } = {}): Json[] {
    if (v === undefined || v === null) {
      if (opts.required) this.err(p, 'missing required field');
      return [];
    }
    if (!Array.isArray(v)) {
      this.err(p, 'must be an array');
      return [];
    }
    if (v.length > max) this.err(p, `no more than ${max} items allowed`);
    if (opts.min !== undefined && v.length < opts.min) this.err(p, `must provide at least ${opts.min} items`);
    return v;
  }

  blocks(p: string, blocks: unknown, max: number): void {
    const list = this.array(p, blocks, max);
    const blockIds = new Set<string>();
    list.forEach((b, i) => {
      const bp = `${p}/${i}`;
      if (!b || typeof b !== 'object') return this.err(bp, 'must provide an object');
      if (typeof b.block_id === 'string') {
        if (blockIds.has(b.block_id)) this.err(`${bp}/block_id`, `duplicate block_id '${b.block_id}'`);
        blockIds.add(b.block_id);
      }
      this.block(bp, b);
    });
  }

  block(p: string, b: Json): void {
    this.id(`${p}/block_id`, b.block_id);
    if (!KNOWN_BLOCKS.has(b.type)) return this.err(`${p}/type`, `unknown block type '${String(b.type)}'`);
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) this.err(p, 'must provide either text or fields');
        this.text(`${p}/text`, b.text, LIMITS.sectionText);
        this.array(`${p}/fields`, b.fields, LIMITS.sectionFields).forEach((f, i) => this.text(`${p}/fields/${i}`, f, LIMITS.fieldText, { required: true }));
        if (b.accessory !== undefined) this.elements(p, [b.accessory], ['accessory']);
        break;
      }
      case 'header':
        this.text(`${p}/text`, b.text, LIMITS.headerText, { plainOnly: true, required: true });
        break;
      case 'image':
        this.imageLike(p, b);
        this.text(`${p}/title`, b.title, LIMITS.imageTitle, { plainOnly: true });
        break;
      case 'context': {
        const els = this.array(`${p}/elements`, b.elements, LIMITS.contextElements, { min: 1, required: true });
        els.forEach((e, i) => {
          const ep = `${p}/elements/${i}`;
          if (e?.type === 'image') this.imageLike(ep, e);
          else this.text(ep, e, LIMITS.contextText, { required: true });
        });
        break;
      }
      case 'actions': {
        const els = this.array(`${p}/elements`, b.elements, LIMITS.actionsElements, { min: 1, required: true });
        this.elements(p, els, els.map((_, i) => `elements/${i}`));
        break;
      }
      case 'input':
        this.text(`${p}/label`, b.label, LIMITS.inputLabel, { plainOnly: true, required: true });
        this.text(`${p}/hint`, b.hint, LIMITS.inputHint, { plainOnly: true });
        if (!b.element) this.err(`${p}/element`, 'missing required field');
        else this.elements(p, [b.element], ['element']);
        break;
      case 'markdown':
        this.str(`${p}/text`, b.text, LIMITS.markdownBlock, { required: true });
        break;
      default:
        break;
    }
  }

  imageLike(p: string, e: Json): void {
    if (e.image_url === undefined && e.slack_file === undefined) this.err(`${p}/image_url`, 'missing required field');
    this.str(`${p}/image_url`, e.image_url, LIMITS.url);
    this.str(`${p}/alt_text`, e.alt_text, LIMITS.imageAlt, { required: true });
  }

  /** Elements of one block: action_id unique within the block. */
  elements(blockPointer: string, els: Json[], subPaths: string[]): void {
    const actionIds = new Set<string>();
    els.forEach((e, i) => {
      const p = `${blockPointer}/${subPaths[i]}`;
      if (!e || typeof e !== 'object') return this.err(p, 'must provide an object');
      if (typeof e.action_id === 'string') {
        if (actionIds.has(e.action_id)) this.err(`${p}/action_id`, `duplicate action_id '${e.action_id}' in block`);
        actionIds.add(e.action_id);
      }
      this.element(p, e);
    });
  }

  element(p: string, e: Json): void {
    this.id(`${p}/action_id`, e.action_id);
    this.confirm(`${p}/confirm`, e.confirm);
    const t = e.type as string;
    if (t === 'button' || t === 'workflow_button') {
      this.text(`${p}/text`, e.text, LIMITS.buttonText, { plainOnly: true, required: true });
      this.str(`${p}/value`, e.value, LIMITS.buttonValue);
      this.str(`${p}/url`, e.url, LIMITS.url);
      this.str(`${p}/accessibility_label`, e.accessibility_label, LIMITS.buttonText);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') this.err(`${p}/style`, 'must be a valid enum value');
    } else if (SELECTS.has(t)) {
      this.text(`${p}/placeholder`, e.placeholder, LIMITS.placeholder, { plainOnly: true });
      if (e.options === undefined && e.option_groups === undefined) this.err(p, 'must provide either options or option_groups');
      this.options(`${p}/options`, e.options, LIMITS.selectOptions, true);
      this.array(`${p}/option_groups`, e.option_groups, LIMITS.optionGroups, { min: 1 }).forEach((g, i) => {
        this.text(`${p}/option_groups/${i}/label`, g?.label, LIMITS.optionText, { plainOnly: true, required: true });
        this.options(`${p}/option_groups/${i}/options`, g?.options, LIMITS.selectOptions, true, true);
      });
      this.selectedOptions(p, e, true);
    } else if (OTHER_SELECTS.has(t)) {
      this.text(`${p}/placeholder`, e.placeholder, LIMITS.placeholder, { plainOnly: true });
      if (t.endsWith('external_select')) this.selectedOptions(p, e, true);
    } else if (t === 'overflow') {
      this.options(`${p}/options`, e.options, LIMITS.overflowOptions, true, true);
    } else if (t === 'checkboxes' || t === 'radio_buttons') {
      this.options(`${p}/options`, e.options, LIMITS.checkboxOptions, false, true);
      this.selectedOptions(p, e, false);
    } else if (TEXT_INPUTS.has(t)) {
      this.text(`${p}/placeholder`, e.placeholder, LIMITS.placeholder, { plainOnly: true });
      if (t === 'plain_text_input') {
        for (const k of ['max_length', 'min_length'] as const) {
          if (e[k] !== undefined && (typeof e[k] !== 'number' || e[k] < 0 || e[k] > LIMITS.plainTextInput)) this.err(`${p}/${k}`, `must be between 0 and ${LIMITS.plainTextInput}`);
        }
        const max = typeof e.max_length === 'number' ? Math.min(e.max_length, LIMITS.plainTextInput) : LIMITS.plainTextInput;
        this.str(`${p}/initial_value`, e.initial_value, max);
      }
    } else if (PICKERS.has(t)) {
      this.text(`${p}/placeholder`, e.placeholder, LIMITS.placeholder, { plainOnly: true });
      if (t === 'datepicker' && e.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(e.initial_date))) this.err(`${p}/initial_date`, 'must match YYYY-MM-DD');
      if (t === 'timepicker' && e.initial_time !== undefined && !/^\d{2}:\d{2}$/.test(String(e.initial_time))) this.err(`${p}/initial_time`, 'must match HH:mm');
    } else if (t === 'image') {
      this.imageLike(p, e);
    } else {
      this.err(`${p}/type`, `unknown element type '${String(t)}'`);
    }
  }

  options(p: string, v: unknown, max: number, plainOnly: boolean, required = false): void {
    this.array(p, v, max, { min: 1, required }).forEach((o, i) => this.option(`${p}/${i}`, o, plainOnly));
  }

  option(p: string, o: Json, plainOnly: boolean): void {
    if (!o || typeof o !== 'object') return this.err(p, 'must provide an object');
    this.text(`${p}/text`, o.text, LIMITS.optionText, { plainOnly, required: true });
    this.str(`${p}/value`, o.value, LIMITS.optionValue, { required: true });
    this.text(`${p}/description`, o.description, LIMITS.optionDescription, { plainOnly: true });
    this.str(`${p}/url`, o.url, LIMITS.url);
  }

  selectedOptions(p: string, e: Json, plainOnly: boolean): void {
    if (e.initial_option !== undefined) this.option(`${p}/initial_option`, e.initial_option, plainOnly);
    if (Array.isArray(e.initial_options)) e.initial_options.forEach((o: Json, i: number) => this.option(`${p}/initial_options/${i}`, o, plainOnly));
  }

  confirm(p: string, c: Json): void {
    if (c === undefined || c === null) return;
    this.text(`${p}/title`, c.title, LIMITS.confirmTitle, { plainOnly: true, required: true });
    this.text(`${p}/text`, c.text, LIMITS.confirmText, { required: true });
    this.text(`${p}/confirm`, c.confirm, LIMITS.confirmButton, { plainOnly: true, required: true });
    this.text(`${p}/deny`, c.deny, LIMITS.confirmButton, { plainOnly: true, required: true });
  }

  view(p: string, v: Json): void {
    if (!v || typeof v !== 'object') return this.err(p, 'must provide an object');
    if (v.type !== 'modal' && v.type !== 'home') this.err(`${p}/type`, "must be 'modal' or 'home'");
    this.blocks(`${p}/blocks`, v.blocks ?? [], LIMITS.viewBlocks);
    if (v.blocks === undefined) this.err(`${p}/blocks`, 'missing required field');
    this.str(`${p}/private_metadata`, v.private_metadata, LIMITS.privateMetadata);
    this.str(`${p}/callback_id`, v.callback_id, LIMITS.id);
    this.str(`${p}/external_id`, v.external_id, LIMITS.id);
    if (v.type === 'modal') {
      this.text(`${p}/title`, v.title, LIMITS.viewTitle, { plainOnly: true, required: true });
      this.text(`${p}/submit`, v.submit, LIMITS.viewButton, { plainOnly: true });
      this.text(`${p}/close`, v.close, LIMITS.viewButton, { plainOnly: true });
      const hasInput = Array.isArray(v.blocks) && v.blocks.some((b: Json) => b?.type === 'input');
      if (hasInput && v.submit === undefined) this.err(`${p}/submit`, 'submit is required when an input block is present');
    }
  }
}

const isView = (payload: Json): boolean => !!payload && typeof payload === 'object' && !Array.isArray(payload) && (payload.type === 'modal' || payload.type === 'home');

/**
 * Pure check of a Block Kit payload against Slack's limits. Accepts a view (`{type:'modal'|'home', ...}`),
 * a message (`{blocks, text?}`) or a bare array of message blocks. Returns Slack-style messages,
 * `[ERROR] <what> [json-pointer:/blocks/0/text/text]`; empty when Slack would accept it.
 */
export function checkBlockKitLimits(payload: unknown): string[] {
  const c = new LimitChecker();
  if (Array.isArray(payload)) c.blocks('/blocks', payload, LIMITS.messageBlocks);
  else if (isView(payload)) {
    c.view('', payload);
  } else if (payload && typeof payload === 'object') {
    const m = payload as Json;
    if (m.blocks !== undefined) c.blocks('/blocks', m.blocks, LIMITS.messageBlocks);
    c.str('/text', m.text, LIMITS.messageText);
    if (Array.isArray(m.attachments)) m.attachments.forEach((a: Json, i: number) => a?.blocks !== undefined && c.blocks(`/attachments/${i}/blocks`, a.blocks, LIMITS.messageBlocks));
  } else {
    c.err('', 'must provide an object');
  }
  return c.errors;
}

/** Limits of an options response (external select typeahead): `{options}` or `{option_groups}`. */
export function checkOptionsResponse(payload: unknown): string[] {
  const c = new LimitChecker();
  const p = (payload ?? {}) as Json;
  if (p.options === undefined && p.option_groups === undefined) c.err('', 'must provide either options or option_groups');
  c.array('/options', p.options, LIMITS.selectOptions).forEach((o, i) => c.option(`/options/${i}`, o, true));
  c.array('/option_groups', p.option_groups, LIMITS.optionGroups).forEach((g, i) => {
    c.text(`/option_groups/${i}/label`, g?.label, LIMITS.optionText, { plainOnly: true, required: true });
    c.array(`/option_groups/${i}/options`, g?.options, LIMITS.selectOptions, { required: true }).forEach((o, j) => c.option(`/option_groups/${i}/options/${j}`, o, true));
  });
  return c.errors;
}

// ---------------------------------------------------------------------------------------------
// The fake server
// ---------------------------------------------------------------------------------------------

export type FakeTeam = { id: string; name: string; domain?: string };

export type FakeUser = {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  display_name: string;
  email: string;
  tz: string;
  locale: string;
  is_bot: boolean;
  is_admin: boolean;
  deleted: boolean;
};

export type FakeSlackOptions = {
  /** Workspace the default bot token belongs to. Default `{ id: 'T0FAKE', name: 'Fake Co', domain: 'fake-co' }`. */
  team?: FakeTeam;
  botUserId?: string; // default 'UBOT'
  botId?: string; // default 'BBOT'
  appId?: string; // default 'AFAKEAPP'
  /** Users known from the start (same shape as setUser). */
  users?: Record<string, Partial<Omit<FakeUser, 'id'>>>;
  /** When set, oauth.v2.access checks them. */
  clientId?: string;
  clientSecret?: string;
  /** How long a trigger_id issued by issueTrigger() stays valid. Slack: 3 s. */
  triggerTtlMs?: number;
};

/** One Web API call as received. JSON-valued form fields (blocks, view, files, ...) are decoded. */
export type FakeCall = {
  seq: number;
  method: string;
  args: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  token: string | undefined;
  at: Date;
  /** What the fake answered. */
  status: number;
  response: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  ok: boolean;
  error?: string;
  /** Block Kit / platform limit breaches found in this call (also in violations()). */
  violations: string[];
};

/** A POST to a response_url handed out by responseUrl(). */
export type ResponsePost = {
  seq: number;
  method: 'response';
  id: string;
  url: string;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Same object as body (so call predicates work for responses too). */
  args: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  at: Date;
  status: number;
  violations: string[];
};

export type FakeFile = {
  file_id: string;
  filename: string;
  title: string;
  /** What a screen reader says of it (Slack documents `alt_txt`; the SDK sends `alt_text`). */
  alt_text?: string;
  length: number;
  bytes: Buffer;
  channel_id: string | undefined;
  initial_comment: string | undefined;
  thread_ts: string | undefined;
  at: Date;
};

export type Violation = { seq: number; method: string; messages: string[] };

export type FailSpec =
  | { status: 429; retryAfter: number }
  | { error: string; status?: number; extra?: Record<string, unknown> }
  | { status: number; body?: string };

export type WaitOptions = { after?: number };

type Answer = { status: number; body: Json; headers?: Record<string, string>; violations?: string[] };
type Ctx = { method: string; args: Json; token: string | undefined; team: FakeTeam; origin: string };
type PendingUpload = { file_id: string; filename: string; length: number; title?: string; altText?: string; bytes?: Buffer; completed: boolean };
type Waiter = { method: string; predicate: (c: Json) => boolean; after: number; resolve: (c: Json) => void };
type Hold = { arrived: (c: FakeCall) => void; released: Promise<void>; release: () => void };

/** A call whose answer is held back: Slack has acted on it, the caller has not heard yet. */
export type HeldCall = { arrived: Promise<FakeCall>; release: () => void };

const JSON_FIELDS = ['blocks', 'attachments', 'view', 'files', 'metadata', 'user_auth_blocks'];
const NO_TOKEN_METHODS = new Set(['oauth.v2.access', 'oauth.access', 'api.test']);
const rand = (n: number): string => randomBytes(n).toString('hex').toUpperCase().slice(0, n);

function tzOffsetSeconds(tz: string, at = new Date()): number {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  } catch {
    return 0;
  }
}
function tzLabel(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? tz;
  } catch {
    return tz;
  }
}

export class FakeSlack {
  /** Base URL for `slackApiUrl`: `http://127.0.0.1:PORT/api/`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly team: FakeTeam;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  /** Every Web API call, in arrival order. */
  readonly calls: FakeCall[] = [];
  /** Every POST to a response_url. */
  readonly responses: ResponsePost[] = [];
  /** Files whose upload was completed (files.completeUploadExternal). */
  readonly files: FakeFile[] = [];

  private seq = 0;
  private lastTsMicros = 0;
  private readonly users = new Map<string, FakeUser>();
  private readonly failures = new Map<string, FailSpec[]>();
  private storm?: { untilMs: number; retryAfter: number; methods?: Set<string> };
  private readonly holds = new Map<string, Hold[]>();
  private readonly violationLog: Violation[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(entry: FakeCall | ResponsePost) => void>();
  private readonly uploads = new Map<string, PendingUpload>();
  private readonly messages = new Map<string, Json>(); // `${channel}:${ts}`
  private readonly views = new Map<string, Json>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly responseUses = new Map<string, number>();
  private readonly oauthCodes = new Map<string, { team: FakeTeam; userId: string; scopes: string[] }>();
  private readonly tokenTeams = new Map<string, FakeTeam>();
  private readonly revoked = new Set<string>();
  private readonly triggerTtlMs: number;
  private readonly clientId?: string;
  private readonly clientSecret?: string;

  constructor(
    private readonly server: http.Server,
    port: number,
    opts: FakeSlackOptions,
  ) {
    this.origin = `http://127.0.0.1:${port}`;
    this.url = `${this.origin}/api/`;
    this.team = { domain: (opts.team?.name ?? 'fake-co').toLowerCase().replace(/[^a-z0-9]+/g, '-'), id: 'T0FAKE', name: 'Fake Co', ...opts.team };
    this.botUserId = opts.botUserId ?? 'UBOT';
    this.botId = opts.botId ?? 'BBOT';
    this.appId = opts.appId ?? 'AFAKEAPP';
    this.triggerTtlMs = opts.triggerTtlMs ?? 3000;
    this.clientId = opts.clientId;
    this.clientSecret = opts.clientSecret;
    this.setUser(this.botUserId, { name: 'sfa', real_name: 'SFA', is_bot: true });
    for (const [id, u] of Object.entries(opts.users ?? {})) this.setUser(id, u);
  }

  // ----- test-facing API -----

  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A sequence number to pass as `{ after }` to waitFor, to ignore what came before. */
  mark(): number {
    return this.seq;
  }

  /**
   * Resolves with the first call to `method` (already recorded or still to come) that matches the
   * predicate; `'response'` waits for response_url posts. Rejects after timeoutMs with what did arrive.
   */
  waitFor(method: 'response', predicate?: (r: ResponsePost) => boolean, timeoutMs?: number, opts?: WaitOptions): Promise<ResponsePost>;
  waitFor(method: string, predicate?: (c: FakeCall) => boolean, timeoutMs?: number, opts?: WaitOptions): Promise<FakeCall>;
  waitFor(method: string, predicate: (c: Json) => boolean = () => true, timeoutMs = 5000, opts: WaitOptions = {}): Promise<Json> {
    const after = opts.after ?? 0;
    const pool: Json[] = method === 'response' ? this.responses : this.calls;
    const found = pool.find((c) => c.method === method && c.seq > after && predicate(c));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate,
        after,
        resolve: (c) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(c);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = pool.filter((c) => c.method === method).map((c) => JSON.stringify(c.args).slice(0, 300));
        reject(new Error(`fake Slack: no matching ${method} within ${timeoutMs} ms; ${seen.length} ${method} seen${seen.length ? `:\n  ${seen.join('\n  ')}` : ''}\nall methods: ${this.calls.map((c) => c.method).join(', ') || '(none)'}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Forgets recorded calls, responses, files, violations, queued failures and storms, messages, views and triggers. Keeps users. */
  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.files.length = 0;
    this.violationLog.length = 0;
    this.failures.clear();
    this.storm = undefined;
    this.uploads.clear();
    this.messages.clear();
    this.views.clear();
    this.triggers.clear();
    this.responseUses.clear();
  }

  /** Adds or changes a workspace member as users.info returns it. */
  setUser(id: string, u: Partial<Omit<FakeUser, 'id'>> = {}): FakeUser {
    const prev = this.users.get(id);
    const name = u.name ?? prev?.name ?? id.toLowerCase();
    const user: FakeUser = {
      id,
      team_id: this.team.id,
      real_name: name,
      display_name: u.name ?? prev?.display_name ?? name,
      email: `${name.replace(/[^a-z0-9._-]/gi, '') || id.toLowerCase()}@example.com`,
      tz: 'America/New_York',
      locale: 'en-US',
      is_bot: false,
      is_admin: false,
      deleted: false,
      ...prev,
      ...u,
      name,
    };
    this.users.set(id, user);
    return user;
  }

  /** A workspace member as set with setUser (undefined when users.info would say user_not_found). */
  user(id: string): FakeUser | undefined {
    const u = this.users.get(id);
    return u && { ...u };
  }

  /** Queue a failure for the next call(s) to `method` ('response' for response_url posts, 'upload' for file bytes). */
  failNext(method: string, spec: FailSpec, times = 1): void {
    const q = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) q.push(spec);
    this.failures.set(method, q);
  }

  /**
   * A rate-limit storm: until `untilMs` (epoch ms) every Web API call (to `methods`, or to any
   * method) is answered 429 with `Retry-After: retryAfter` seconds, however long the client waited.
   * Refused calls are recorded in `calls` like any other (status 429), with their arrival time.
   */
  rateLimitStorm(opts: { untilMs: number; retryAfter: number; methods?: string[] }): void {
    this.storm = { ...opts, methods: opts.methods ? new Set(opts.methods) : undefined };
  }

  /**
   * The next call to `method` is carried out (recorded, message stored) but its HTTP answer waits
   * until `release()` — the moment to kill a client that has sent a message but not heard back.
   */
  holdNext(method: string): HeldCall {
    let arrived!: (c: FakeCall) => void;
    const arrival = new Promise<FakeCall>((resolve) => { arrived = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const q = this.holds.get(method) ?? [];
    q.push({ arrived, released, release });
    this.holds.set(method, q);
    return { arrived: arrival, release };
  }

  /** All platform-limit breaches seen (Block Kit, response_url over-use, late acks, expired triggers...). */
  violations(): Violation[] {
    return this.violationLog.map((v) => ({ ...v, messages: [...v.messages] }));
  }

  /** For the driver (or tests) to report a breach found outside the Web API, e.g. in an ack body. */
  recordViolation(method: string, messages: string[]): void {
    if (messages.length) this.violationLog.push({ seq: ++this.seq, method, messages });
  }

  /** A response_url on this fake. POSTs to it land in `responses` with this id. */
  responseUrl(id: string = rand(12)): string {
    return `${this.origin}/response/${encodeURIComponent(id)}`;
  }

  /** A trigger_id as Slack sends with commands/actions: valid for triggerTtlMs, usable once. */
  issueTrigger(): string {
    const id = `${Date.now()}.${Math.floor(Math.random() * 1e10)}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false });
    return id;
  }

  /** Makes a message known (e.g. one a block_actions payload points at) so chat.update/delete accept its ts. */
  seedMessage(channel: string, message: { ts: string; [k: string]: unknown }): void {
    this.messages.set(`${channel}:${message.ts}`, { ...message, channel });
  }

  /** Makes a view known (e.g. the one a view_submission carries) so views.update accepts its id. */
  seedView(view: { id: string; [k: string]: unknown }): void {
    this.views.set(view.id, { hash: this.newHash(), ...view });
  }

  /** A one-time OAuth code that oauth.v2.access exchanges for an installation of `team` by `userId`. */
  oauthCode(grant: { team?: FakeTeam; userId?: string; scopes?: string[] } = {}): string {
    const code = `${Date.now()}.${rand(20).toLowerCase()}`;
    this.oauthCodes.set(code, { team: grant.team ?? this.team, userId: grant.userId ?? 'UINSTALLER', scopes: grant.scopes ?? ['commands', 'chat:write', 'im:write', 'users:read', 'users:read.email', 'files:write'] });
    return code;
  }

  /** From now on calls with this token answer `token_revoked` (as after an uninstall). */
  revokeToken(token: string): void {
    this.revoked.add(token);
  }

  /** Next message ts, strictly increasing, Slack format `1700000000.000100`. */
  nextTs(): string {
    this.lastTsMicros = Math.max(Date.now() * 1000, this.lastTsMicros + 100);
    const s = Math.floor(this.lastTsMicros / 1e6);
    return `${s}.${String(this.lastTsMicros % 1e6).padStart(6, '0')}`;
  }

  close(): Promise<void> {
    for (const w of this.waiters) this.waiters.delete(w);
    for (const q of this.holds.values()) for (const h of q) h.release();
    this.holds.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ----- HTTP -----

  /** @internal */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.origin);
    const send = (a: Answer) => {
      const isText = typeof a.body === 'string';
      res.writeHead(a.status, { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', 'x-slack-req-id': rand(16).toLowerCase(), ...a.headers });
      res.end(isText ? a.body : JSON.stringify(a.body));
    };
    try {
      if (url.pathname.startsWith('/api/')) return send(await this.api(req, url, raw));
      if (req.method === 'POST' && url.pathname.startsWith('/upload/')) return send(await this.upload(req, decodeURIComponent(url.pathname.slice('/upload/'.length)), raw));
      if (req.method === 'POST' && url.pathname.startsWith('/response/')) return send(this.response(req, decodeURIComponent(url.pathname.slice('/response/'.length)), url, raw));
      send({ status: 404, body: 'not found' });
    } catch (err) {
      send({ status: 500, body: { ok: false, error: 'fatal_error', detail: String(err) } });
    }
  }

  private async parseBody(req: http.IncomingMessage, raw: Buffer): Promise<{ args: Json; bad?: string }> {
    const ct = String(req.headers['content-type'] ?? '').toLowerCase();
    if (raw.length === 0) return { args: {} };
    if (ct.startsWith('application/json')) {
      try {
        const parsed = JSON.parse(raw.toString('utf8'));
        return { args: parsed && typeof parsed === 'object' ? parsed : {} };
      } catch {
        return { args: {}, bad: 'invalid_json' };
      }
    }
    if (ct.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
      const args: Json = {};
      for (const [k, v] of form.entries()) args[k] = typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer());
      return { args };
    }
    return { args: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
  }

  /** Calls `listener` with every Web API call and response_url post as it is recorded; returns how to stop. */
  onRecord(listener: (entry: FakeCall | ResponsePost) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record<T extends { seq: number; method: string }>(list: T[], entry: T): T {
    list.push(entry);
    for (const l of this.listeners) l(entry as unknown as FakeCall | ResponsePost);
    for (const w of [...this.waiters]) if (w.method === entry.method && entry.seq > w.after && w.predicate(entry)) w.resolve(entry);
    return entry;
  }

  private takeFailure(method: string): FailSpec | undefined {
    const q = this.failures.get(method);
    const f = q?.shift();
    if (q && q.length === 0) this.failures.delete(method);
    return f;
  }

  private stormFailure(method: string): FailSpec | undefined {
    const storm = this.storm;
    if (!storm || Date.now() >= storm.untilMs || (storm.methods && !storm.methods.has(method))) return undefined;
    return { status: 429, retryAfter: storm.retryAfter };
  }

  private failureAnswer(f: FailSpec): Answer {
    if ('retryAfter' in f) return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(f.retryAfter) } };
    if ('error' in f) return { status: f.status ?? 200, body: { ok: false, error: f.error, ...f.extra } };
    return { status: f.status, body: f.body ?? '' };
  }

  private async api(req: http.IncomingMessage, url: URL, raw: Buffer): Promise<Answer> {
    const method = url.pathname.slice('/api/'.length);
    const parsed = await this.parseBody(req, raw);
    const isJson = String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
    const args: Json = { ...Object.fromEntries(url.searchParams), ...parsed.args };
    for (const k of JSON_FIELDS) {
      if (typeof args[k] === 'string') {
        try {
          args[k] = JSON.parse(args[k]);
        } catch {
          /* keep the string: the handler reports it */
        }
      }
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    // Slack ignores a token in a JSON body: JSON callers must use the Authorization header.
    const token: string | undefined = bearer ?? (!isJson && typeof args.token === 'string' ? args.token : undefined);
    delete args.token;

    const seq = ++this.seq;
    const at = new Date();
    let answer: Answer;
    const failure = this.takeFailure(method) ?? this.stormFailure(method);
    if (parsed.bad) answer = { status: 200, body: { ok: false, error: parsed.bad } };
    else if (failure) answer = this.failureAnswer(failure);
    else answer = this.dispatch(method, args, token);
    if (typeof answer.body === 'object' && answer.body.ok === false && !('req_method' in answer.body) && answer.body.error === 'unknown_method') answer.body.req_method = method;

    const violations = answer.violations ?? [];
    if (violations.length) this.violationLog.push({ seq, method, messages: violations });
    const body = typeof answer.body === 'object' ? answer.body : {};
    const call = this.record(this.calls, { seq, method, args, token, at, status: answer.status, response: body, ok: body.ok === true, error: body.ok === true ? undefined : (body.error ?? `http_${answer.status}`), violations });
    if (answer.status === 200 && typeof answer.body === 'object' && answer.body.ok === true) {
      answer.headers = { 'x-oauth-scopes': 'commands,chat:write,im:write,users:read,users:read.email,files:write', ...answer.headers };
    }
    const hold = this.holds.get(method)?.shift();
    if (hold) {
      hold.arrived(call);
      await hold.released;
    }
    return answer;
  }

  private teamOf(token: string | undefined): FakeTeam {
    return (token && this.tokenTeams.get(token)) || this.team;
  }

  private dispatch(method: string, args: Json, token: string | undefined): Answer {
    const handler = this.methods[method];
    if (!handler) return { status: 200, body: { ok: false, error: 'unknown_method' } };
    if (!NO_TOKEN_METHODS.has(method)) {
      if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
      if (!/^xox[a-z]-/.test(token)) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
      if (this.revoked.has(token)) return { status: 200, body: { ok: false, error: 'token_revoked' } };
    }
    return handler({ method, args, token, team: this.teamOf(token), origin: this.origin });
  }

  private ok(body: Json, violations?: string[]): Answer {
    return { status: 200, body: { ok: true, ...body }, violations };
  }
  private fail(error: string, extra: Json = {}, violations?: string[]): Answer {
    return { status: 200, body: { ok: false, error, ...extra }, violations };
  }
  private newHash(): string {
    return `${Math.floor(Date.now() / 1000)}.${rand(8).toLowerCase()}`;
  }

  private resolveChannel(channel: unknown): string | null {
    if (typeof channel !== 'string' || channel === '') return null;
    if (/^[UW][A-Z0-9]+$/.test(channel)) return `D${channel.slice(1)}`; // posting to a user id goes to the DM
    if (/^[CDG][A-Z0-9]+$/.test(channel) || /^#[\w-]+$/.test(channel)) return channel;
    return null;
  }

  /** Checks a message's blocks; returns the invalid_blocks answer or null. */
  private messageProblems(args: Json): Answer | null {
    if (typeof args.blocks === 'string' || typeof args.attachments === 'string') return this.fail('invalid_blocks_format');
    const messages = checkBlockKitLimits({ blocks: args.blocks, attachments: args.attachments });
    if (typeof args.text === 'string' && args.text.length > LIMITS.messageText) return this.fail('msg_too_long');
    return messages.length ? this.fail('invalid_blocks', { response_metadata: { messages } }, messages) : null;
  }

  private viewProblems(view: unknown, expectType: 'modal' | 'home' | 'any'): Answer | null {
    if (!view || typeof view !== 'object') return this.fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
    const v = view as Json;
    if (expectType !== 'any' && v.type !== expectType) return this.fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] must be '${expectType}' [json-pointer:/view/type]`] } });
    const c = new LimitChecker();
    c.view('/view', v);
    // Slack answers invalid views with `invalid_arguments` and the details in response_metadata.
    return c.errors.length ? this.fail('invalid_arguments', { response_metadata: { messages: c.errors } }, c.errors) : null;
  }

  private useTrigger(trigger: unknown): Answer | null {
    if (typeof trigger !== 'string' || !trigger) return this.fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
    const t = this.triggers.get(trigger);
    if (!t) return this.fail('invalid_trigger_id');
    if (t.used) return this.fail('exchanged_trigger_id', {}, [`trigger_id used twice (${trigger.slice(0, 24)}…)`]);
    const age = Date.now() - t.issuedAt;
    if (age > this.triggerTtlMs) return this.fail('expired_trigger_id', {}, [`trigger_id used after ${age} ms (Slack allows ${this.triggerTtlMs} ms)`]);
    t.used = true;
    return null;
  }

  private storeView(args: Json, team: FakeTeam, previous?: Json): Json {
    const v = args.view;
    const view = {
      id: previous?.id ?? `V${rand(10)}`,
      team_id: team.id,
      type: v.type,
      blocks: v.blocks ?? [],
      private_metadata: v.private_metadata ?? '',
      callback_id: v.callback_id ?? '',
      state: { values: {} },
      hash: this.newHash(),
      title: v.title ?? null,
      clear_on_close: v.clear_on_close ?? false,
      notify_on_close: v.notify_on_close ?? false,
      close: v.close ?? null,
      submit: v.submit ?? null,
      previous_view_id: null,
      root_view_id: previous?.root_view_id ?? previous?.id ?? null,
      app_id: this.appId,
      external_id: v.external_id ?? previous?.external_id ?? '',
      app_installed_team_id: team.id,
      bot_id: this.botId,
    };
    if (!view.root_view_id) view.root_view_id = view.id;
    this.views.set(view.id, view);
    return view;
  }

  private messageOf(args: Json, ts: string, team: FakeTeam): Json {
    return {
      user: this.botUserId,
      type: 'message',
      ts,
      bot_id: this.botId,
      app_id: this.appId,
      text: args.text ?? '',
      team: team.id,
      ...(args.blocks ? { blocks: args.blocks } : {}),
      ...(args.attachments ? { attachments: args.attachments } : {}),
      ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}),
      ...(args.metadata ? { metadata: args.metadata } : {}),
    };
  }

  private userJson(u: FakeUser, withLocale: boolean): Json {
    return {
      id: u.id,
      team_id: u.team_id,
      name: u.name,
      deleted: u.deleted,
      color: '9f69e7',
      real_name: u.real_name,
      tz: u.tz,
      tz_label: tzLabel(u.tz),
      tz_offset: tzOffsetSeconds(u.tz),
      profile: {
        real_name: u.real_name,
        real_name_normalized: u.real_name,
        display_name: u.display_name,
        display_name_normalized: u.display_name,
        email: u.email,
        image_72: `https://avatars.example.com/${u.id}_72.png`,
        team: u.team_id,
        ...(u.is_bot ? { bot_id: this.botId } : {}),
      },
      is_admin: u.is_admin,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: u.is_bot,
      is_app_user: false,
      updated: Math.floor(Date.now() / 1000),
      ...(withLocale ? { locale: u.locale } : {}),
    };
  }

  private readonly methods: Record<string, (ctx: Ctx) => Answer> = {
    'api.test': ({ args }) => this.ok({ args }),

    'auth.test': ({ team }) =>
      this.ok({
        url: `https://${team.domain ?? team.id.toLowerCase()}.slack.com/`,
        team: team.name,
        user: 'sfa',
        team_id: team.id,
        user_id: this.botUserId,
        bot_id: this.botId,
        is_enterprise_install: false,
      }),

    'team.info': ({ team }) => this.ok({ team: { id: team.id, name: team.name, domain: team.domain ?? team.id.toLowerCase(), email_domain: '', icon: {} } }),

    'users.info': ({ args }) => {
      const u = typeof args.user === 'string' ? this.users.get(args.user) : undefined;
      if (!u) return this.fail('user_not_found');
      return this.ok({ user: this.userJson(u, args.include_locale === true || args.include_locale === 'true') });
    },

    'users.lookupByEmail': ({ args }) => {
      const u = [...this.users.values()].find((x) => x.email.toLowerCase() === String(args.email ?? '').toLowerCase());
      return u ? this.ok({ user: this.userJson(u, false) }) : this.fail('users_not_found');
    },

    'conversations.open': ({ args }) => {
      const users = String(args.users ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (args.channel) return this.ok({ channel: { id: String(args.channel) } });
      if (users.length === 0) return this.fail('users_list_not_supplied');
      const id = users.length === 1 ? `D${users[0]!.replace(/^[UW]/, '')}` : `G${users.map((u) => u.replace(/^[UW]/, '')).join('').slice(0, 10)}`;
      return this.ok({ no_op: false, already_open: false, channel: { id } });
    },

    'chat.postMessage': ({ args, team }) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return this.fail('channel_not_found');
      if (!args.text && !args.blocks && !args.attachments) return this.fail('no_text');
      const problem = this.messageProblems(args);
      if (problem) return problem;
      const ts = this.nextTs();
      const message = this.messageOf(args, ts, team);
      this.messages.set(`${channel}:${ts}`, { ...message, channel });
      return this.ok({ channel, ts, message });
    },

    'conversations.history': ({ args }) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return this.fail('channel_not_found');
      const oldest = Number(args.oldest ?? 0);
      const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
      const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
      const messages = [...this.messages.values()]
        .filter((m) => m.channel === channel && Number(m.ts) > oldest)
        .sort((a, b) => Number(b.ts) - Number(a.ts))
        .slice(0, limit)
        .map(({ channel: _channel, metadata, ...m }) => (withMetadata && metadata ? { ...m, metadata } : m));
      return this.ok({ messages, has_more: false, pin_count: 0, response_metadata: { next_cursor: '' } });
    },

    'chat.postEphemeral': ({ args }) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return this.fail('channel_not_found');
      if (typeof args.user !== 'string' || !args.user) return this.fail('user_not_found');
      if (!args.text && !args.blocks && !args.attachments) return this.fail('no_text');
      return this.messageProblems(args) ?? this.ok({ message_ts: this.nextTs() });
    },

    'chat.update': ({ args, team }) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return this.fail('channel_not_found');
      if (typeof args.ts !== 'string') return this.fail('message_not_found');
      const key = `${channel}:${args.ts}`;
      const prev = this.messages.get(key);
      if (!prev) return this.fail('message_not_found'); // also what Slack says for ephemeral messages
      if (!args.text && !args.blocks && !args.attachments) return this.fail('no_text');
      const problem = this.messageProblems(args);
      if (problem) return problem;
      const message = { ...this.messageOf(args, args.ts, team), edited: { user: this.botUserId, ts: this.nextTs() } };
      this.messages.set(key, { ...message, channel });
      return this.ok({ channel, ts: args.ts, text: args.text ?? '', message });
    },

    'chat.delete': ({ args }) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return this.fail('channel_not_found');
      if (!this.messages.delete(`${channel}:${args.ts}`)) return this.fail('message_not_found');
      return this.ok({ channel, ts: args.ts });
    },

    'chat.getPermalink': ({ args, team }) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return this.fail('channel_not_found');
      if (!this.messages.has(`${channel}:${args.message_ts}`)) return this.fail('message_not_found');
      return this.ok({ channel, permalink: `https://${team.domain ?? 'fake'}.slack.com/archives/${channel}/p${String(args.message_ts).replace('.', '')}` });
    },

    'chat.scheduleMessage': ({ args, team }) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return this.fail('channel_not_found');
      const postAt = Number(args.post_at);
      const now = Date.now() / 1000;
      if (!Number.isFinite(postAt)) return this.fail('invalid_time');
      if (postAt <= now) return this.fail('time_in_past');
      if (postAt > now + 120 * 86400) return this.fail('time_too_far');
      if (!args.text && !args.blocks && !args.attachments) return this.fail('no_text');
      const problem = this.messageProblems(args);
      if (problem) return problem;
      const { ts: _ignored, ...message } = this.messageOf(args, '', team);
      return this.ok({ channel, scheduled_message_id: `Q${rand(10)}`, post_at: Math.floor(postAt), message: { ...message, type: 'delayed_message' } });
    },

    'views.open': ({ args, team }) => {
      const problem = this.viewProblems(args.view, 'modal');
      if (problem) return problem;
      const trigger = this.useTrigger(args.trigger_id ?? args.interactivity_pointer);
      if (trigger) return trigger;
      return this.ok({ view: this.storeView(args, team) });
    },

    'views.push': ({ args, team }) => {
      const problem = this.viewProblems(args.view, 'modal');
      if (problem) return problem;
      const trigger = this.useTrigger(args.trigger_id ?? args.interactivity_pointer);
      if (trigger) return trigger;
      return this.ok({ view: this.storeView(args, team) });
    },

    'views.update': ({ args, team }) => {
      const problem = this.viewProblems(args.view, 'any');
      if (problem) return problem;
      const prev = args.view_id ? this.views.get(String(args.view_id)) : [...this.views.values()].find((v) => v.external_id && v.external_id === args.external_id);
      if (!args.view_id && !args.external_id) return this.fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] view_id or external_id is required'] } });
      if (!prev) return this.fail('not_found');
      if (args.hash !== undefined && args.hash !== prev.hash) return this.fail('hash_conflict');
      return this.ok({ view: this.storeView(args, team, prev) });
    },

    'views.publish': ({ args, team }) => {
      if (typeof args.user_id !== 'string' || !args.user_id) return this.fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: user_id'] } });
      const problem = this.viewProblems(args.view, 'home');
      if (problem) return problem;
      const prev = [...this.views.values()].find((v) => v.type === 'home' && v.home_user === args.user_id);
      if (prev && args.hash !== undefined && args.hash !== prev.hash) return this.fail('hash_conflict');
      const view = this.storeView(args, team, prev);
      view.home_user = args.user_id;
      const { home_user: _omit, ...shown } = view;
      return this.ok({ view: shown });
    },

    'files.getUploadURLExternal': ({ args, origin }) => {
      const length = Number(args.length);
      const missing = [!args.filename && 'filename', !(Number.isInteger(length) && length > 0) && 'length'].filter(Boolean);
      if (missing.length) return this.fail('invalid_arguments', { response_metadata: { messages: missing.map((m) => `[ERROR] missing required field: ${m}`) } });
      const alt = args.alt_txt ?? args.alt_text;
      if (alt !== undefined && String(alt).length > 1000) return this.fail('alt_txt_too_large');
      const file_id = `F${rand(10)}`;
      this.uploads.set(file_id, { file_id, filename: String(args.filename), length, completed: false, ...(alt !== undefined ? { altText: String(alt) } : {}) });
      return this.ok({ upload_url: `${origin}/upload/${file_id}`, file_id });
    },

    'files.completeUploadExternal': ({ args, team }) => {
      const files = args.files;
      if (!Array.isArray(files) || files.length === 0) return this.fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: files'] } });
      if (args.channel_id !== undefined && !this.resolveChannel(args.channel_id)) return this.fail('channel_not_found');
      if (args.blocks !== undefined) {
        const problem = this.messageProblems({ blocks: args.blocks });
        if (problem) return problem;
      }
      const pending = files.map((f: Json) => this.uploads.get(String(f?.id)));
      if (pending.some((p: PendingUpload | undefined) => !p || !p.bytes || p.completed)) return this.fail('file_not_found');
      const at = new Date();
      const out = files.map((f: Json, i: number) => {
        const p = pending[i] as PendingUpload;
        p.completed = true;
        const title = f.title ?? p.filename;
        this.files.push({ file_id: p.file_id, filename: p.filename, title, alt_text: p.altText, length: p.length, bytes: p.bytes!, channel_id: args.channel_id, initial_comment: args.initial_comment, thread_ts: args.thread_ts, at });
        return {
          id: p.file_id,
          created: Math.floor(at.getTime() / 1000),
          name: p.filename,
          title,
          mimetype: mimeOf(p.filename),
          filetype: p.filename.split('.').pop()?.toLowerCase() ?? 'binary',
          user: this.botUserId,
          user_team: team.id,
          size: p.length,
          is_public: false,
          url_private: `https://files.slack.com/files-pri/${team.id}-${p.file_id}/${encodeURIComponent(p.filename)}`,
          permalink: `https://${team.domain ?? 'fake'}.slack.com/files/${this.botUserId}/${p.file_id}/${encodeURIComponent(p.filename)}`,
          channels: [],
          shares: {},
        };
      });
      return this.ok({ files: out });
    },

    'oauth.v2.access': ({ args }) => {
      if (this.clientId !== undefined && args.client_id !== this.clientId) return this.fail('invalid_client_id');
      if (this.clientSecret !== undefined && args.client_secret !== this.clientSecret) return this.fail('bad_client_secret');
      const grant = typeof args.code === 'string' ? this.oauthCodes.get(args.code) : undefined;
      if (!grant) return this.fail('invalid_code');
      this.oauthCodes.delete(args.code);
      const token = `xoxb-${grant.team.id}-${Date.now()}-${rand(24).toLowerCase()}`;
      this.tokenTeams.set(token, grant.team);
      if (!this.users.has(grant.userId)) this.setUser(grant.userId, { is_admin: true });
      return this.ok({
        app_id: this.appId,
        authed_user: { id: grant.userId },
        scope: grant.scopes.join(','),
        token_type: 'bot',
        access_token: token,
        bot_user_id: this.botUserId,
        team: { id: grant.team.id, name: grant.team.name },
        enterprise: null,
        is_enterprise_install: false,
      });
    },
  };

  private async upload(req: http.IncomingMessage, fileId: string, raw: Buffer): Promise<Answer> {
    const failure = this.takeFailure('upload');
    if (failure) return this.failureAnswer(failure);
    const p = this.uploads.get(fileId);
    if (!p) return { status: 404, body: 'file not found' };
    let bytes = raw;
    const ct = String(req.headers['content-type'] ?? '');
    if (ct.toLowerCase().startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': ct } }).formData();
      const entries = [...form.values()];
      const file = entries.find((v) => typeof v !== 'string') ?? entries[0];
      bytes = file === undefined ? Buffer.alloc(0) : typeof file === 'string' ? Buffer.from(file) : Buffer.from(await file.arrayBuffer());
    }
    if (bytes.length !== p.length) {
      this.recordViolation('upload', [`uploaded ${bytes.length} bytes for ${p.filename} but files.getUploadURLExternal said length ${p.length}`]);
      return { status: 400, body: `length mismatch: expected ${p.length}, got ${bytes.length}` };
    }
    p.bytes = bytes;
    return { status: 200, body: `OK - ${bytes.length}` };
  }

  private response(req: http.IncomingMessage, id: string, url: URL, raw: Buffer): Answer {
    const seq = ++this.seq;
    const at = new Date();
    const ct = String(req.headers['content-type'] ?? '').toLowerCase();
    let body: Json = {};
    let bad = false;
    try {
      const text = raw.toString('utf8');
      body = ct.startsWith('application/x-www-form-urlencoded') ? JSON.parse(new URLSearchParams(text).get('payload') ?? '{}') : JSON.parse(text);
    } catch {
      bad = true;
    }
    const uses = (this.responseUses.get(id) ?? 0) + 1;
    this.responseUses.set(id, uses);
    const violations: string[] = [];
    let answer: Answer;
    const failure = this.takeFailure('response');
    if (failure) answer = this.failureAnswer(failure);
    else if (bad) answer = { status: 400, body: { ok: false, error: 'invalid_payload' } };
    else if (uses > 5) {
      violations.push(`response_url ${id} used ${uses} times (Slack allows 5 in 30 minutes)`);
      answer = { status: 404, body: { ok: false, error: 'used_url' } };
    } else {
      violations.push(...checkBlockKitLimits(body));
      answer = violations.length ? { status: 400, body: { ok: false, error: 'invalid_blocks', response_metadata: { messages: violations } } } : { status: 200, body: { ok: true } };
    }
    if (violations.length) this.violationLog.push({ seq, method: 'response', messages: violations });
    this.record(this.responses, { seq, method: 'response', id, url: `${this.origin}${url.pathname}`, body, args: body, at, status: answer.status, violations });
    return answer;
  }
}

function mimeOf(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase();
  const map: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', pdf: 'application/pdf', csv: 'text/csv', txt: 'text/plain', json: 'application/json', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  return (ext && map[ext]) || 'application/octet-stream';
}

/** Starts the fake on 127.0.0.1 with a free port. Remember `await fake.close()`. */
export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  let fake: FakeSlack | undefined;
  const server = http.createServer((req, res) => {
    void fake!.handle(req, res);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  fake = new FakeSlack(server, (server.address() as AddressInfo).port, opts);
  return fake;
}
