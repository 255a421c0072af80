import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z
      .string()
      .url('must be a URL such as postgres://postgres@127.0.0.1:5432/sfa')
      .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://')
      .default('postgres://postgres@127.0.0.1:5432/sfa'),
    REDIS_URL: z
      .string()
      .url('must be a URL such as redis://127.0.0.1:6379')
      .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://')
      .default('redis://127.0.0.1:6379'),
    PORT: z.coerce.number().int('must be a whole number').min(0).max(65535, 'must be a port number (0-65535)').default(3000),
    SFA_ROLE: z.enum(['web', 'worker', 'all'], { message: 'must be one of web, worker, all' }).default('all'),
    LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
    ENCRYPTION_KEY: z
      .string()
      .min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)')
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['ENCRYPTION_KEY'], message: 'is required when NODE_ENV=production' });
    }
  });

export type Config = {
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string;
  redisUrl: string;
  port: number;
  role: 'web' | 'worker' | 'all';
  logLevel: (typeof logLevels)[number];
  encryptionKey?: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every bad or missing variable is reported, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty string in the environment means "not set": fall back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`));
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    role: e.SFA_ROLE,
    logLevel: e.LOG_LEVEL,
    encryptionKey: e.ENCRYPTION_KEY,
  };
}
