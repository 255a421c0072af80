import type { Redis } from 'ioredis';
import type { MikroORM } from '../db/orm';

export type ReadinessReport = { ok: boolean; checks: Record<string, 'ok' | string>; degraded?: string[] };
export type Store = 'postgres' | 'redis';

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);

/**
 * Ready means the stores the process cannot work without answer within a second; each failure
 * is named, never thrown. A web process needs only PostgreSQL: with Redis down it still takes
 * commands (kept in PostgreSQL until Redis is back), so it stays in the load balancer, degraded.
 */
export async function checkReadiness(orm: MikroORM, redis: Redis, required: readonly Store[] = ['postgres', 'redis']): Promise<ReadinessReport> {
  const checks: ReadinessReport['checks'] = {};
  await Promise.all([
    withTimeout(orm.em.getConnection().execute('select 1'), 1000, 'postgres')
      .then(() => { checks.postgres = 'ok'; })
      .catch((err: Error) => { checks.postgres = err.message; }),
    withTimeout(redis.ping(), 1000, 'redis')
      .then(() => { checks.redis = 'ok'; })
      .catch((err: Error) => { checks.redis = err.message; }),
  ]);
  const failing = (Object.keys(checks) as Store[]).filter((store) => checks[store] !== 'ok');
  const degraded = failing.filter((store) => !required.includes(store));
  return { ok: failing.every((store) => !required.includes(store)), checks, ...(degraded.length ? { degraded } : {}) };
}
