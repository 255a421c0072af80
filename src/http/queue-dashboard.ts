import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, NextFunction, Request, Response } from 'express';

export const queueDashboardPath = '/admin/queues';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** HTTP Basic with one shared password (any user name); compared in constant time. */
export function basicAuth(password: string, realm = 'SFA admin') {
  const expected = digest(password);
  return (req: Request, res: Response, next: NextFunction): void => {
    const [scheme, encoded] = (req.header('authorization') ?? '').split(' ');
    const given = scheme?.toLowerCase() === 'basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = given.indexOf(':');
    if (colon >= 0 && timingSafeEqual(digest(given.slice(colon + 1)), expected)) return next();
    res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`).status(401).send('Authentication required');
  };
}

/**
 * The BullMQ dashboard (bull-board) at /admin/queues for operators, behind HTTP Basic with
 * ADMIN_PASSWORD. Without a password nothing is mounted and the path answers 404.
 */
export function mountQueueDashboard(app: Express, options: { password?: string; queues: Queue[] }): boolean {
  if (!options.password) return false;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(queueDashboardPath);
  createBullBoard({ queues: options.queues.map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'SFA jobs' } } });
  app.use(queueDashboardPath, basicAuth(options.password), serverAdapter.getRouter());
  return true;
}
