import type { Logger } from '../logger';

/** Which store an error came from, when it says so (the log then names it, not just "a problem"). */
export function storeOf(err: unknown): 'Redis' | 'PostgreSQL' | undefined {
  const e = err as { message?: string; name?: string; port?: number; code?: string };
  const text = `${e?.name ?? ''} ${e?.message ?? ''}`;
  if (e?.port === 6379 || /redis|MaxRetriesPerRequest|Connection is closed|:6379\b/i.test(text)) return 'Redis';
  if (e?.port === 5432 || /postgres|DriverException|ConnectionException|Connection terminated|acquiring a connection|:5432\b/i.test(text)) return 'PostgreSQL';
  return undefined;
}

/**
 * Logs the first of a run of identical errors at once and then at most once per interval, with how
 * many were left unsaid in between: an outage is a few lines saying how bad, not hundreds.
 */
export function onceEvery(logger: Logger, intervalMs = 10_000): (key: string, fields: Record<string, unknown>, message: string) => void {
  const runs = new Map<string, { last: number; unsaid: number }>();
  return (key, fields, message) => {
    const run = runs.get(key) ?? { last: 0, unsaid: 0 };
    const now = Date.now();
    if (now - run.last < intervalMs) {
      run.unsaid++;
      runs.set(key, run);
      return;
    }
    logger.warn({ ...fields, ...(run.unsaid ? { repeated: run.unsaid, withinMs: intervalMs } : {}) }, message);
    runs.set(key, { last: now, unsaid: 0 });
    // Old keys go: the map must not grow with every distinct error text.
    if (runs.size > 1000) for (const [k, r] of runs) if (now - r.last > intervalMs) runs.delete(k);
  };
}
