import { loadConfigOrExit } from './config';
import { createLogger } from './logger';
import { startService } from './service';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const service = await startService(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'signal received');
    service.stop().then(
      () => process.exit(0),
      (err) => { logger.error({ err }, 'shutdown failed'); process.exit(1); },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`sfa failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
