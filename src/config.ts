import path from 'node:path';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

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
    PORT: z
      .string()
      .regex(/^\d+$/, 'must be a port number (0-65535)')
      .transform(Number)
      .refine((n) => n <= 65535, 'must be a port number (0-65535)')
      .default('3000'),
    HOST: z.string().min(1).max(255).optional(),
    SFA_ROLE: z.enum(['web', 'worker', 'all'], { message: 'must be one of web, worker, all' }).default('all'),
    SFA_PLAYGROUND: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
    LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
    SLACK_SIGNING_SECRET: z.string().min(8, 'looks too short for a Slack signing secret').optional(),
    SLACK_BOT_TOKEN: z.string().regex(/^xox[bp]-/, 'must be a bot token starting with xoxb-').optional(),
    SLACK_CLIENT_ID: z.string().optional(),
    SLACK_CLIENT_SECRET: z.string().optional(),
    SLACK_STATE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    SLACK_API_URL: z.string().url('must be a URL such as https://slack.com/api/').optional(),
    SLACK_ADMIN_USER_IDS: z.string().optional(),
    MICROSOFT_APP_ID: z.string().uuid('must be the bot\'s app id (a GUID)').optional(),
    MICROSOFT_APP_PASSWORD: z.string().min(8, 'looks too short for a client secret').optional(),
    MICROSOFT_APP_TENANT_ID: z.string().optional(),
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'must be MultiTenant, SingleTenant or UserAssignedMSI' }).default('MultiTenant'),
    TEAMS_DEV_MODE: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
    PUBLIC_URL: z.string().url('must be the public base URL, e.g. https://sfa.example.com').optional(),
    ENCRYPTION_KEY: z
      .string()
      .min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)')
      .optional(),
    ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, - or _')
      .default('sfa'),
    DB_POOL_MAX: wholeNumber(1, 200).default('10'),
    ARCHIVE_DIR: z.string().max(1000).refine((v) => path.isAbsolute(v), 'must be an absolute path').optional(),
    WORKER_CONCURRENCY: wholeNumber(1, 500).default('20'),
    JOB_LOCK_MS: wholeNumber(1000, 600_000).default('10000'),
    OUTBOX_POLL_MS: wholeNumber(50, 60_000).default('500'),
    OUTBOX_SWEEP_MS: wholeNumber(500, 3_600_000).default('30000'),
    SIGNALS_EVENTS_PER_MINUTE: wholeNumber(1, 100_000_000).default('60000'),
    SIGNALS_REQUESTS_PER_SECOND: wholeNumber(1, 1_000_000).default('50'),
  });

export type Config = {
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string;
  /** PostgreSQL connections this process may hold at most. */
  databasePoolMax: number;
  redisUrl: string;
  port: number;
  /** The interface to listen on (default: every one; the playground: 127.0.0.1). */
  host?: string;
  role: 'web' | 'worker' | 'all';
  /** Serve the local workspace at / when no Slack app is configured (never in production). */
  playground: boolean;
  logLevel: (typeof logLevels)[number];
  encryptionKey?: string;
  publicUrl?: string;
  /** HTTP Basic password for /admin/queues; the dashboard is not mounted without it. */
  adminPassword?: string;
  /** Bearer token /metrics asks for; without one it is open (keep it off the public network). */
  metricsToken?: string;
  /** `archiveDir`: where the retention job archives audit entries before deleting them; null keeps them. */
  retention: { archiveDir: string | null };
  jobs: {
    /** Redis key prefix of every queue: deployments (and test files) sharing a Redis stay apart. */
    queuePrefix: string;
    concurrency: number;
    /** A job whose worker stops renewing its lock this long is run again elsewhere. */
    lockMs: number;
    outboxPollMs: number;
    outboxSweepMs: number;
  };
  /** Per-API-key limits of `POST /api/signals`, shared by every web replica (counted in Redis). */
  signals: { eventsPerMinute: number; requestsPerSecond: number };
  slack: {
    signingSecret?: string;
    botToken?: string;
    oauth?: { clientId: string; clientSecret: string; stateSecret: string };
    apiUrl?: string;
    adminUserIds: string[];
  };
  teams: {
    appId?: string;
    appPassword?: string;
    appTenantId?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    /** No credentials and no token check: for local development only, refused in production. */
    devMode: boolean;
  };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type RawEnv = Record<string, string | undefined>;

/** Rules across variables, checked even when a single variable is also wrong. */
function crossChecks(env: RawEnv): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && !env.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY is required when NODE_ENV=production');
  const oauth = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;
  const given = oauth.filter((k) => env[k]);
  if (given.length > 0 && given.length < oauth.length) {
    for (const k of oauth.filter((k) => !env[k])) problems.push(`${k} is required for Slack OAuth (because ${given.join(', ')} is set)`);
  }
  if ((env.SLACK_BOT_TOKEN || given.length > 0) && !env.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET is required when the Slack bot is configured');
  if (env.MICROSOFT_APP_ID && !env.MICROSOFT_APP_PASSWORD && env.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') problems.push('MICROSOFT_APP_PASSWORD is required with MICROSOFT_APP_ID');
  if (env.MICROSOFT_APP_TYPE === 'SingleTenant' && !env.MICROSOFT_APP_TENANT_ID) problems.push('MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE=SingleTenant');
  if (env.TEAMS_DEV_MODE === 'true' && env.NODE_ENV === 'production') problems.push('TEAMS_DEV_MODE=true is refused when NODE_ENV=production (it turns off Bot Framework token checks)');
  if (given.length === oauth.length && !env.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY is required for Slack OAuth (installation tokens are encrypted at rest)');
  return problems;
}

/** Parses the environment once; every bad or missing variable is reported, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty string in the environment means "not set": fall back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems = [
    // One message per variable: the first thing wrong with it is the one worth fixing.
    ...new Map((parsed.success ? [] : parsed.error.issues).reverse().map((i) => [i.path.join('.'), `${i.path.join('.') || 'environment'} ${i.message}`])).values(),
    ...crossChecks(cleaned),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DB_POOL_MAX,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    role: e.SFA_ROLE,
    playground: e.SFA_PLAYGROUND === 'on',
    logLevel: e.LOG_LEVEL,
    encryptionKey: e.ENCRYPTION_KEY,
    publicUrl: e.PUBLIC_URL,
    adminPassword: e.ADMIN_PASSWORD,
    metricsToken: e.METRICS_TOKEN,
    retention: { archiveDir: e.ARCHIVE_DIR ?? null },
    jobs: {
      queuePrefix: e.QUEUE_PREFIX,
      concurrency: e.WORKER_CONCURRENCY,
      lockMs: e.JOB_LOCK_MS,
      outboxPollMs: e.OUTBOX_POLL_MS,
      outboxSweepMs: e.OUTBOX_SWEEP_MS,
    },
    signals: { eventsPerMinute: e.SIGNALS_EVENTS_PER_MINUTE, requestsPerSecond: e.SIGNALS_REQUESTS_PER_SECOND },
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      botToken: e.SLACK_BOT_TOKEN,
      oauth:
        e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
          ? { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET }
          : undefined,
      apiUrl: e.SLACK_API_URL,
      adminUserIds: (e.SLACK_ADMIN_USER_IDS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    },
    teams: {
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      appTenantId: e.MICROSOFT_APP_TENANT_ID,
      appType: e.MICROSOFT_APP_TYPE,
      devMode: e.TEAMS_DEV_MODE === 'true',
    },
  };
}

/**
 * The config, or — when the environment is wrong — each problem on its own line on stderr and
 * exit 78: read by a person fixing their environment, not by a log pipeline.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
