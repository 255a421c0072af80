import type { Redis } from 'ioredis';
import type { MikroORM } from '../db/orm';

export type ReadinessReport = { ok: boolean; checks: Record<string, 'ok' | string> };

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);

/** Ready means both stores answer within a second; each failure is named, never thrown. */
export async function checkReadiness(orm: MikroORM, redis: Redis): Promise<ReadinessReport> {
  const checks: ReadinessReport['checks'] = {};
  await Promise.all([
    withTimeout(orm.em.getConnection().execute('select 1'), 1000, 'postgres')
      .then(() => { checks.postgres = 'ok'; })
      .catch((err: Error) => { checks.postgres = err.message; }),
    withTimeout(redis.ping(), 1000, 'redis')
      .then(() => { checks.redis = 'ok'; })
      .catch((err: Error) => { checks.redis = err.message; }),
  ]);
  return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
}
