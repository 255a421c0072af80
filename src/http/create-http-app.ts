import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../logger';
import { ackSeconds } from '../metrics';

/** The paths chat platforms post to: their HTTP answer is the acknowledgement they wait for. */
const platformOfPath: Record<string, string> = { '/slack/events': 'slack', '/api/messages': 'teams' };

export type HttpAppDeps = {
  logger: Logger;
  readiness: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  isShuttingDown: () => boolean;
};

export type InFlight = { count: () => number; idle: () => Promise<void> };

/**
 * The one HTTP server both bots mount on. No global body parser: Slack's signature check needs
 * the raw body, so each route parses its own.
 */
export function createHttpApp(deps: HttpAppDeps): { app: Express; inFlight: InFlight } {
  const app = express();
  app.disable('x-powered-by');
  let active = 0;
  let waiters: Array<() => void> = [];
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    active++;
    res.on('close', () => {
      active--;
      if (active === 0) { waiters.forEach((w) => w()); waiters = []; }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const platform = req.method === 'POST' ? platformOfPath[req.path] : undefined;
      if (platform) ackSeconds.observe({ platform }, ms / 1000);
      if (req.path !== '/healthz') deps.logger.debug({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, 'http request');
    });
    next();
  });

  app.get('/healthz', (_req, res) => { res.json({ ok: true }); });
  app.get('/readyz', async (_req, res) => {
    if (deps.isShuttingDown()) { res.status(503).json({ ok: false, checks: { shutdown: 'in progress' } }); return; }
    const report = await deps.readiness();
    res.status(report.ok ? 200 : 503).json(report);
  });

  const inFlight: InFlight = {
    count: () => active,
    idle: () => (active === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
  return { app, inFlight };
}

/**
 * Last in the chain. A body the parser refused (not JSON, too large) is the client's fault and
 * says so with its status; anything else is a plain 500. Never a stack trace or the parser's text.
 */
export function errorHandler(logger: Logger) {
  return (err: Error & { status?: number; expose?: boolean }, req: Request, res: Response, _next: NextFunction) => {
    const clientError = err.expose === true && typeof err.status === 'number' && err.status >= 400 && err.status < 500;
    if (clientError) logger.debug({ status: err.status, path: req.path }, 'request refused');
    else logger.error({ err, path: req.path }, 'unhandled request error');
    if (res.headersSent) return;
    if (clientError) res.status(err.status!).json({ ok: false, error: err.status === 413 ? 'payload_too_large' : 'bad_request' });
    else res.status(500).json({ ok: false, error: 'internal_error' });
  };
}
