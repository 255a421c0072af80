import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one logger per process, children per component. */
export function createLogger(level: string = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({
    level,
    base: { service: 'sfa' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.token', '*.botToken', '*.password', '*.secret', 'req.headers.authorization'], remove: true },
  });
}
