/** Errors that say PostgreSQL cannot be reached or is restarting (not that a query was wrong). */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const unavailableText = /Connection terminated|Timeout acquiring a connection|the database system is (starting up|shutting down|in recovery)|terminating connection|Connection ended unexpectedly/i;

/**
 * The database is down or restarting: a job that met this should wait for it, not use up a try.
 * Redis errors in a job read differently (max retries per request, stream not writeable).
 */
export function databaseUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string } | null;
  if (!e) return false;
  if (e.name === 'ConnectionException') return true;
  if (typeof e.code === 'string' && unavailableCodes.has(e.code)) return true;
  return unavailableText.test(String(e.message ?? ''));
}
