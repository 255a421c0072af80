import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/* eslint-disable @typescript-eslint/no-explicit-any */
const maxActivityBytes = 100 * 1024;

export type SentActivity = { conversationId: string; replyToId?: string; activity: any; at: Date };
/** Every request to the connector as it arrived, refused ones included. */
export type ConnectorCall = { conversationId: string; at: Date; status: number };

/**
 * A fake Bot Framework connector: the `serviceUrl` of the activities the tests send points here,
 * so whatever the bot sends back (replies, proactive messages) lands in `sent`.
 */
export async function startFakeTeams() {
  const sent: SentActivity[] = [];
  /** Answers to give instead of accepting, in order (status, and Retry-After seconds for a 429). */
  const failures: Array<{ status: number; retryAfter?: number }> = [];
  const refused: Array<{ status: number; at: Date; conversationId?: string }> = [];
  const calls: ConnectorCall[] = [];
  let storm: { untilMs: number; retryAfter: number } | undefined;
  const waiters = new Set<{ predicate: (a: SentActivity) => boolean; resolve: (a: SentActivity) => void }>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404).end();
        return;
      }
      const conversationId = decodeURIComponent(m[1]!);
      const at = new Date();
      const failure = failures.shift() ?? (storm && at.getTime() < storm.untilMs ? { status: 429, retryAfter: storm.retryAfter } : undefined);
      const call: ConnectorCall = { conversationId, at, status: failure?.status ?? 200 };
      calls.push(call);
      if (failure) {
        refused.push({ status: failure.status, at, conversationId });
        res.writeHead(failure.status, { 'content-type': 'application/json', ...(failure.retryAfter ? { 'retry-after': String(failure.retryAfter) } : {}) }).end(JSON.stringify({ error: { code: `status_${failure.status}`, message: 'refused by the fake connector' } }));
        return;
      }
      // Teams refuses a message over 100 KB (the whole activity, cards and inline images included).
      if (Buffer.byteLength(body) > maxActivityBytes) {
        call.status = 413;
        refused.push({ status: 413, at, conversationId });
        res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'MessageSizeTooBig', message: `activity of ${Buffer.byteLength(body)} bytes` } }));
        return;
      }
      const entry: SentActivity = { conversationId: decodeURIComponent(m[1]!), replyToId: m[2] ? decodeURIComponent(m[2]) : undefined, activity: JSON.parse(body || '{}'), at: new Date() };
      sent.push(entry);
      for (const w of [...waiters]) if (w.predicate(entry)) { waiters.delete(w); w.resolve(entry); }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: randomBytes(6).toString('hex') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    sent,
    refused,
    calls,
    /** A rate-limit storm: until `untilMs` (epoch ms) every request is answered 429 with `Retry-After: retryAfter` seconds. */
    rateLimitStorm(opts: { untilMs: number; retryAfter: number }) {
      storm = opts;
    },
    failNext(status: number, retryAfter?: number) {
      failures.push({ status, retryAfter });
    },
    /** The first sent activity (already or later) that matches. */
    waitFor(predicate: (a: SentActivity) => boolean, timeoutMs = 10_000): Promise<SentActivity> {
      const found = sent.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.add(waiter);
        setTimeout(() => { waiters.delete(waiter); reject(new Error(`fake Teams: nothing matching within ${timeoutMs} ms; sent: ${sent.map((s) => JSON.stringify(s.activity).slice(0, 200)).join('\n')}`)); }, timeoutMs).unref();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type FakeTeams = Awaited<ReturnType<typeof startFakeTeams>>;

/** An activity as Teams would post it for a user in a personal chat with the bot. */
export function teamsActivity(fake: { url: string }, user: { aadObjectId: string; name: string; tenantId: string; locale?: string }, extra: Record<string, unknown>) {
  return {
    id: randomBytes(6).toString('hex'),
    timestamp: new Date().toISOString(),
    serviceUrl: fake.url,
    channelId: 'msteams',
    from: { id: `29:${user.aadObjectId}`, aadObjectId: user.aadObjectId, name: user.name },
    conversation: { id: `a:${user.aadObjectId}`, conversationType: 'personal', tenantId: user.tenantId },
    recipient: { id: '28:sfa-bot', name: 'SFA' },
    locale: user.locale ?? 'en-US',
    channelData: { tenant: { id: user.tenantId } },
    entities: [{ type: 'clientInfo', locale: user.locale ?? 'en-US', timezone: 'Asia/Shanghai' }],
    ...extra,
  };
}
