/**
 * Judging a fault scenario: per reminder delivered once / twice / never, lag after its due time,
 * lag after the fault cleared, and the request rates the platform saw — against the targets of
 * `npm run bench:faults` — and the table that prints it.
 */
import type { Delivered, Planned, PlatformRequest } from './reminder-world';

/** Published limits the storms are compared against (sources in bench/faults.bench.ts). */
export const limits = {
  /** Slack chat.postMessage: about one message per second per channel (short bursts allowed). */
  slackPerChannelGapMs: 900,
  /** "Short bursts >1 allowed": more than two in one second to one channel is no longer short. */
  slackBurstPerChannel: 2,
  /** Teams, per bot per conversation ("Send to conversation"): 7 per 1 s, 8 per 2 s, 60 per 30 s. */
  teamsPerConversation: [{ windowMs: 1000, max: 7 }, { windowMs: 2000, max: 8 }, { windowMs: 30_000, max: 60 }],
  /** Teams, per app per tenant (all conversations): 50 requests per second. */
  teamsGlobalRps: 50,
  /** p99 of "lag after the fault cleared". */
  p99AfterClearMs: 10_000,
  /** A request this soon after a 429 may have left before the answer arrived: in flight, not a breach. */
  inFlightGraceMs: 250,
};

export type Fault = {
  name: string;
  platform: 'slack' | 'teams';
  /** When the fault was injected and when it was over (epoch ms). */
  start: number;
  cleared: number;
  /** For a 429 storm: the Retry-After the fake answered with. */
  retryAfterMs?: number;
  timeline: string;
};

export type Row = {
  fault: string;
  n: number;
  once: number;
  twice: number;
  never: number;
  p50?: number;
  p99?: number;
  p99AfterClear?: number;
  maxAfterClear?: number;
  /** Requests per second the platform received during the storm (peak of any 1 s). */
  stormPeakRps?: number;
  failures: string[];
  notes: string[];
};

export const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN);
const sec = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** The most events within any `windowMs` (times sorted ascending). */
export function peakIn(times: number[], windowMs: number): { count: number; at: number } {
  let best = { count: 0, at: NaN };
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    if (hi - lo + 1 > best.count) best = { count: hi - lo + 1, at: times[lo]! };
  }
  return best;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

/**
 * Requests that arrived while a Retry-After was running: after a 429 answered at t with
 * Retry-After r, the platform expects nothing before t + r. Those within the in-flight grace of
 * the 429 were already on their way.
 */
export function insideRetryAfter(requests: PlatformRequest[], retryAfterMs: number, graceMs = limits.inFlightGraceMs): { count: number; strict: number; reopenings: number; herd: number } {
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  let count = 0;
  let strict = 0;
  // The 429s whose Retry-After still runs, oldest first: a request is in flight only if it left
  // before the client could have heard of the oldest of them.
  const running: number[] = [];
  // Requests sent once every Retry-After had run out: each run of them is one reopening.
  const reopenedAt: number[] = [];
  for (const r of sorted) {
    while (running.length && running[0]! + retryAfterMs <= r.at) running.shift();
    if (running.length) {
      strict++;
      if (r.at >= running[0]! + graceMs) count++;
    } else if (!(reopenedAt.length && r.at - reopenedAt.at(-1)! < graceMs)) {
      reopenedAt.push(r.at);
    }
    if (r.status === 429) running.push(r.at);
  }
  // The herd: how many requests arrived within the grace of a reopening (all at once, after a pause).
  const herd = Math.max(0, ...reopenedAt.map((t) => sorted.filter((x) => x.at >= t && x.at < t + graceMs).length));
  return { count, strict, reopenings: reopenedAt.length, herd };
}

export function judgeReminders(fault: Fault, planned: Planned[], delivered: Delivered[], requests: PlatformRequest[], ledger: Map<string, string>): Row {
  const keys = new Set(planned.map((p) => p.key));
  const byKey = groupBy(delivered.filter((d) => keys.has(d.key)), (d) => d.key);
  let once = 0;
  let twice = 0;
  let never = 0;
  const lags: number[] = [];
  const afterClear: number[] = [];
  for (const p of planned) {
    const copies = (byKey.get(p.key) ?? []).sort((a, b) => a.at - b.at);
    if (copies.length === 0) never++;
    else if (copies.length === 1) once++;
    else twice++;
    const first = copies[0];
    if (!first) continue;
    lags.push(first.at - p.due);
    // Still to be delivered when the fault began: how long after max(due, cleared) it arrived.
    if (first.at >= fault.start) afterClear.push(first.at - Math.max(p.due, fault.cleared));
  }
  lags.sort((a, b) => a - b);
  afterClear.sort((a, b) => a - b);
  const row: Row = {
    fault: fault.name, n: planned.length, once, twice, never,
    p50: pct(lags, 50), p99: pct(lags, 99), p99AfterClear: pct(afterClear, 99), maxAfterClear: afterClear.at(-1),
    failures: [], notes: [fault.timeline],
  };
  const late = afterClear.filter((l) => l >= limits.p99AfterClearMs).length;
  row.notes.push(`${afterClear.length} reminders were still to go when the fault began; after it cleared: p50 ${sec(pct(afterClear, 50))}, p99 ${sec(row.p99AfterClear)}, max ${sec(afterClear.at(-1))}; ${late} arrived 10 s or more after it cleared`);
  if (twice) row.failures.push(`${twice} twice`);
  if (never) {
    row.failures.push(`${never} never`);
    const missing = planned.filter((p) => !byKey.has(p.key));
    const states = new Map<string, number>();
    for (const p of missing) states.set(ledger.get(p.key) ?? '?', (states.get(ledger.get(p.key) ?? '?') ?? 0) + 1);
    row.notes.push(`never delivered: ${[...states].map(([s, n]) => `${n}× ${s}`).join('; ')}`);
  }
  if (afterClear.length && (row.p99AfterClear ?? 0) >= limits.p99AfterClearMs) row.failures.push(`p99 after clear ${sec(row.p99AfterClear)} ≥ 10 s`);
  if (twice) {
    const dup = [...byKey.values()].find((c) => c.length > 1)!;
    row.notes.push(`a duplicate: ${dup[0]!.key} at ${dup.map((d) => new Date(d.at).toISOString().slice(11, 23)).join(', ')}`);
  }
  if (process.env.BENCH_DETAIL) row.notes.push(lagByDueTime(planned, byKey, fault));
  rateChecks(fault, row, delivered, requests);
  return row;
}

/** Lag by due time, 5 s buckets relative to the fault (BENCH_DETAIL=1): where a backlog built up and drained. */
function lagByDueTime(planned: Planned[], byKey: Map<string, Delivered[]>, fault: Fault): string {
  const buckets = new Map<number, number[]>();
  for (const p of planned) {
    const first = byKey.get(p.key)?.sort((a, b) => a.at - b.at)[0];
    const b = Math.floor((p.due - fault.start) / 5000) * 5;
    buckets.set(b, [...(buckets.get(b) ?? []), first ? first.at - p.due : NaN]);
  }
  return `lag by due time (s from the fault): ${[...buckets].sort((x, y) => x[0] - y[0]).map(([b, l]) => {
    const got = l.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
    return `${b >= 0 ? '+' : ''}${b}: ${l.length} p50 ${sec(pct(got, 50))} p99 ${sec(pct(got, 99))}${got.length < l.length ? ` (${l.length - got.length} never)` : ''}`;
  }).join(' · ')}`;
}

function rateChecks(fault: Fault, row: Row, delivered: Delivered[], requests: PlatformRequest[]): void {
  const retryAfterMs = fault.retryAfterMs;
  const all = requests.map((r) => r.at).sort((a, b) => a - b);
  const peak = peakIn(all, 1000);
  const refused = requests.filter((r) => r.status === 429).length;
  row.notes.push(`platform requests: ${requests.length} (${refused} answered 429); peak ${peak.count}/s overall`);
  // Pacing per channel, of what was accepted.
  if (fault.platform === 'slack') {
    let tooClose = 0;
    for (const list of groupBy(delivered, (d) => d.channel).values()) {
      const ats = list.map((d) => d.at).sort((a, b) => a - b);
      for (let i = 1; i < ats.length; i++) if (ats[i]! - ats[i - 1]! < limits.slackPerChannelGapMs) tooClose++;
    }
    const perChannel = Math.max(0, ...[...groupBy(requests.filter((r) => r.method === 'chat.postMessage'), (r) => r.channel).values()].map((l) => peakIn(l.map((r) => r.at).sort((a, b) => a - b), 1000).count));
    const burst = Math.max(0, ...[...groupBy(delivered, (d) => d.channel).values()].map((l) => peakIn(l.map((d) => d.at).sort((x, y) => x - y), 1000).count));
    row.notes.push(`Slack pacing: ${tooClose} messages less than ${limits.slackPerChannelGapMs / 1000} s after the previous one in the same DM (the pacer allows half a second after a late one); most messages posted to one DM within 1 s: ${burst}, most chat.postMessage requests (refused ones too) to one DM within 1 s: ${perChannel}`);
    if (burst > limits.slackBurstPerChannel) row.failures.push(`${burst} messages to one DM within 1 s`);
  } else {
    const worst = limits.teamsPerConversation.map(({ windowMs, max }) => {
      const most = Math.max(0, ...[...groupBy(requests, (r) => r.channel).values()].map((l) => peakIn(l.map((r) => r.at).sort((a, b) => a - b), windowMs).count));
      return { windowMs, max, most };
    });
    row.notes.push(`Teams per conversation: ${worst.map((w) => `${w.most} in ${w.windowMs / 1000} s (limit ${w.max})`).join(', ')}; all conversations: peak ${peak.count} req/s (limit ${limits.teamsGlobalRps} per app per tenant)`);
    for (const w of worst) if (w.most > w.max) row.failures.push(`${w.most} requests to one conversation in ${w.windowMs / 1000} s > ${w.max}`);
    if (peak.count > limits.teamsGlobalRps) row.failures.push(`${peak.count} req/s to the connector > ${limits.teamsGlobalRps}`);
  }
  if (!retryAfterMs) return;
  const during = requests.filter((r) => r.at >= fault.start && r.at < fault.cleared);
  const stormPeak = peakIn(during.map((r) => r.at).sort((a, b) => a - b), 1000);
  row.stormPeakRps = stormPeak.count;
  const inside = insideRetryAfter(requests.filter((r) => r.at >= fault.start && r.at < fault.cleared + retryAfterMs), retryAfterMs);
  const seconds = (fault.cleared - fault.start) / 1000;
  row.notes.push(
    `storm: ${during.length} requests in ${seconds.toFixed(0)} s (${(during.length / seconds).toFixed(1)}/s on average, peak ${stormPeak.count} in 1 s); ` +
      `${inside.strict} arrived while a Retry-After was running (${inside.count} of them more than ${limits.inFlightGraceMs} ms after the 429, i.e. not already in flight); ` +
      `the queue reopened ${inside.reopenings} times, each time with up to ${inside.herd} requests within ${limits.inFlightGraceMs} ms`,
  );
  // The same message tried again and again: requests to one conversation during the storm, and their spacing.
  const repeats = [...groupBy(during, (r) => r.channel).values()].filter((l) => l.length > 1);
  const gaps: number[] = [];
  for (const list of repeats) {
    const ats = list.map((r) => r.at).sort((x, y) => x - y);
    for (let i = 1; i < ats.length; i++) gaps.push(ats[i]! - ats[i - 1]!);
  }
  gaps.sort((x, y) => x - y);
  row.notes.push(`during the storm ${repeats.length} conversations were tried more than once (up to ${Math.max(0, ...repeats.map((l) => l.length))} times); gap between tries of one conversation p50 ${sec(pct(gaps, 50))}, min ${sec(gaps[0])}`);
  if (inside.count) row.failures.push(`${inside.count} requests inside Retry-After`);
}

/** The table: one row per fault, then what each row's verdict rests on. */
export function printTable(rows: Row[], write: (s: string) => void): void {
  const header = ['fault', 'N', 'once', 'twice', 'never', 'lag p50', 'lag p99', 'p99 after clear', 'max after clear', 'peak req/s in storm', 'verdict'];
  const cells = rows.map((r) => [
    r.fault, String(r.n), String(r.once), String(r.twice), String(r.never), sec(r.p50), sec(r.p99), sec(r.p99AfterClear), sec(r.maxAfterClear),
    r.stormPeakRps === undefined ? '—' : String(r.stormPeakRps), r.failures.length ? `FAIL: ${r.failures.join('; ')}` : 'ok',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i >= 1 && i <= 9 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join(' | ')} |`;
  write(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${cells.map(line).join('\n')}\n`);
  for (const r of rows) write(`\n${r.fault}:\n${r.notes.map((n) => `  - ${n}`).join('\n')}\n`);
}
