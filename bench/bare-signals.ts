// The baselines for bench:signals: an express handler that only parses the JSON batch and answers
// 202 — read the same way as SFA's endpoint reads it (express.raw, one UTF-8 decode, one
// JSON.parse), so the comparison is of everything else; with BARE_TENANT_ID (and DATABASE_URL) it
// also stores the request as SFA does (one signal_batches row holding the body) — no
// authentication, no validation, no rate limit, no queue — which is what storing costs on its own.
import express from 'express';
import { openOrm, type MikroORM } from '../src/db/orm';
import { stageSignalBatch } from '../src/domain/signals/stage-signal-batch';

async function main() {
  const tenantId = process.env.BARE_TENANT_ID;
  const orm: MikroORM | undefined = tenantId ? await openOrm(process.env.DATABASE_URL!, 10) : undefined;
  const app = express();
  app.post('/api/signals', express.raw({ limit: '2mb', type: () => true }), async (req, res) => {
    const text = (req.body as Buffer).toString('utf8');
    const events = (JSON.parse(text) as { events?: unknown[] }).events ?? [];
    if (orm) await stageSignalBatch(orm.em.fork(), { tenantId: tenantId!, apiKeyId: null, body: text, skip: [] });
    res.status(202).json({ ok: true, accepted: events.length, duplicates: 0, rejected: [] });
  });
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ msg: 'http server listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
  process.once('SIGTERM', () => server.close(() => void (orm?.close(true) ?? Promise.resolve()).then(() => process.exit(0))));
}

void main();
