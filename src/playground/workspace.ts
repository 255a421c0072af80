import type { FakeCall, FakeSlack, ResponsePost } from './fake-slack';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack's JSON, as the fake recorded it */
type Json = Record<string, any>;

export type ShownFile = { id: string; name: string; title: string; url: string; altText?: string; mimetype: string };

/** One message as a person in the workspace sees it. */
export type ShownMessage = {
  ts: string;
  channel: string;
  user: string;
  text: string;
  blocks?: Json[];
  files?: ShownFile[];
  /** "Only visible to you": shown to this person only. */
  ephemeralFor?: string;
  edited: boolean;
};

export type ShownView = Json & { id: string; errors?: Record<string, string> };

/** Where a response_url's posts land: the person it was handed for, and the message it answers. */
type ResponseOrigin = { user: string; channel: string; sourceTs?: string };

export type WorkspaceChange = { kind: 'conversation'; channel: string } | { kind: 'views'; user: string } | { kind: 'home'; user: string };

/**
 * What the workspace shows, built from what the bot did on the fake Web API (messages posted,
 * updated and deleted, ephemerals, response_url answers, files shared, modals and App Home), the
 * way Slack's clients would show it. The bot never talks to this: it only reads the fake's record.
 */
export class Workspace {
  private readonly messages: ShownMessage[] = [];
  private readonly origins = new Map<string, ResponseOrigin>();
  private readonly triggers = new Map<string, string>();
  private readonly modals = new Map<string, ShownView[]>();
  private readonly homes = new Map<string, ShownView>();
  private readonly listeners = new Set<(change: WorkspaceChange) => void>();
  private seq = 0;
  private lastMicros = 0;

  constructor(
    private readonly fake: FakeSlack,
    private readonly fileUrl: (fileId: string) => string,
  ) {
    fake.onRecord((entry) => (entry.method === 'response' ? this.onResponse(entry as ResponsePost) : this.onCall(entry as FakeCall)));
  }

  onChange(listener: (change: WorkspaceChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The messages of a channel `user` may see, oldest first. */
  conversation(channel: string, user: string): ShownMessage[] {
    return this.messages.filter((m) => m.channel === channel && (!m.ephemeralFor || m.ephemeralFor === user));
  }

  views(user: string): { modals: ShownView[]; home: ShownView | null } {
    return { modals: this.modals.get(user) ?? [], home: this.homes.get(user) ?? null };
  }

  view(user: string, viewId: string): ShownView | undefined {
    return (this.modals.get(user) ?? []).find((v) => v.id === viewId) ?? (this.homes.get(user)?.id === viewId ? this.homes.get(user) : undefined);
  }

  message(channel: string, ts: string): ShownMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** A trigger_id handed out for `user`: a modal the bot opens with it is theirs. */
  triggerFor(user: string): string {
    const trigger = this.fake.issueTrigger();
    this.triggers.set(trigger, user);
    return trigger;
  }

  /** A response_url handed out for `user` in `channel`, answering the message `sourceTs` (if any). */
  responseUrlFor(origin: ResponseOrigin): string {
    const id = `pg${++this.seq}${Math.random().toString(36).slice(2, 8)}`;
    this.origins.set(id, origin);
    return this.fake.responseUrl(id);
  }

  /** What a person typed (Slack shows it; the bot is not told of plain messages here). */
  said(user: string, channel: string, text: string): void {
    this.add({ ts: this.nextTs(), channel, user, text, edited: false });
  }

  /** The synchronous answer to a command (its ack): ephemeral unless the app said in_channel. */
  acked(origin: ResponseOrigin, body: unknown): string | undefined {
    if (!body || typeof body !== 'object' || (!('text' in body) && !('blocks' in body))) return undefined;
    const b = body as Json;
    const ts = this.nextTs();
    this.add({ ts, channel: origin.channel, user: this.fake.botUserId, text: String(b.text ?? ''), blocks: b.blocks, ephemeralFor: b.response_type === 'in_channel' ? undefined : origin.user, edited: false });
    return ts;
  }

  /** A modal's submission was answered: errors on its inputs, another view, or closed. */
  submitted(user: string, viewId: string, ack: unknown): void {
    const stack = this.modals.get(user) ?? [];
    const at = stack.findIndex((v) => v.id === viewId);
    if (at < 0) return;
    const b = (ack && typeof ack === 'object' ? ack : {}) as Json;
    if (b.response_action === 'errors') stack[at] = { ...stack[at]!, errors: b.errors ?? {} };
    else if (b.response_action === 'update' && b.view) stack[at] = { ...b.view, id: viewId };
    else if (b.response_action === 'push' && b.view) stack.push({ ...b.view, id: `V${this.nextTs().replace('.', '')}` });
    else if (b.response_action === 'clear') stack.length = 0;
    else stack.splice(at);
    this.modals.set(user, stack);
    this.emit({ kind: 'views', user });
  }

  closed(user: string, viewId: string): void {
    const stack = this.modals.get(user) ?? [];
    const at = stack.findIndex((v) => v.id === viewId);
    if (at >= 0) stack.splice(at);
    this.emit({ kind: 'views', user });
  }

  private onCall(call: FakeCall): void {
    if (!call.ok) return;
    const a = call.args;
    const r = call.response;
    switch (call.method) {
      case 'chat.postMessage':
        return this.add({ ts: r.ts, channel: r.channel, user: this.fake.botUserId, text: String(a.text ?? ''), blocks: a.blocks, edited: false });
      case 'chat.postEphemeral':
        return this.add({ ts: r.message_ts, channel: String(a.channel), user: this.fake.botUserId, text: String(a.text ?? ''), blocks: a.blocks, ephemeralFor: String(a.user), edited: false });
      case 'chat.update':
        return this.replace(r.channel, String(a.ts), { text: String(a.text ?? ''), blocks: a.blocks }, true);
      case 'chat.delete':
        return this.remove(r.channel, String(a.ts));
      case 'files.completeUploadExternal':
        return this.shared(call);
      case 'views.open':
        return this.opened(this.triggers.get(String(a.trigger_id ?? '')), r.view, false);
      case 'views.push':
        return this.opened(this.triggers.get(String(a.trigger_id ?? '')), r.view, true);
      case 'views.update':
        return this.updated(r.view);
      case 'views.publish':
        this.homes.set(String(a.user_id), r.view);
        return this.emit({ kind: 'home', user: String(a.user_id) });
    }
  }

  /** A response_url post: replaces or deletes the message it answers, or adds one. */
  private onResponse(post: ResponsePost): void {
    const origin = this.origins.get(post.id);
    if (!origin || post.status !== 200) return;
    const b = post.body;
    const source = origin.sourceTs ? this.message(origin.channel, origin.sourceTs) : undefined;
    if (b.delete_original && source) return this.remove(origin.channel, source.ts);
    if (b.replace_original && source) return this.replace(origin.channel, source.ts, { text: String(b.text ?? ''), blocks: b.blocks }, false);
    const ts = this.nextTs();
    this.add({ ts, channel: origin.channel, user: this.fake.botUserId, text: String(b.text ?? ''), blocks: b.blocks, ephemeralFor: b.response_type === 'in_channel' ? undefined : origin.user, edited: false });
    // Slack replaces "the original" by the last message this response_url posted.
    origin.sourceTs = ts;
  }

  private shared(call: FakeCall): void {
    const ids = new Set((call.response.files ?? []).map((f: Json) => f.id));
    const files = this.fake.files.filter((f) => ids.has(f.file_id));
    const channel = String(call.args.channel_id ?? files[0]?.channel_id ?? '');
    const shown = files.map((f) => ({ id: f.file_id, name: f.filename, title: f.title, url: this.fileUrl(f.file_id), ...(f.alt_text ? { altText: f.alt_text } : {}), mimetype: f.filename.endsWith('.png') ? 'image/png' : 'application/octet-stream' }));
    this.add({ ts: this.nextTs(), channel, user: this.fake.botUserId, text: String(call.args.initial_comment ?? ''), files: shown, edited: false });
  }

  private opened(user: string | undefined, view: Json, pushed: boolean): void {
    if (!user) return;
    const stack = pushed ? (this.modals.get(user) ?? []) : [];
    stack.push(view as ShownView);
    this.modals.set(user, stack);
    this.emit({ kind: 'views', user });
  }

  private updated(view: Json): void {
    for (const [user, stack] of this.modals) {
      const at = stack.findIndex((v) => v.id === view.id);
      if (at >= 0) {
        stack[at] = view as ShownView;
        return this.emit({ kind: 'views', user });
      }
    }
    for (const [user, home] of this.homes) {
      if (home.id === view.id) {
        this.homes.set(user, view as ShownView);
        return this.emit({ kind: 'home', user });
      }
    }
  }

  private add(message: ShownMessage): void {
    this.messages.push(message);
    this.emit({ kind: 'conversation', channel: message.channel });
  }

  /** `edited`: Slack marks a chat.update "(edited)"; an answer replacing its "On it" is not. */
  private replace(channel: string, ts: string, content: { text: string; blocks?: Json[] }, edited: boolean): void {
    const m = this.message(channel, ts);
    if (!m) return;
    Object.assign(m, content, { edited: m.edited || edited, files: undefined });
    this.emit({ kind: 'conversation', channel });
  }

  private remove(channel: string, ts: string): void {
    const at = this.messages.findIndex((m) => m.channel === channel && m.ts === ts);
    if (at >= 0) this.messages.splice(at, 1);
    this.emit({ kind: 'conversation', channel });
  }

  private emit(change: WorkspaceChange): void {
    for (const l of this.listeners) l(change);
  }

  /** Increasing message timestamps, in Slack's "seconds.micros" form. */
  private nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }
}
