import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startService } from './service';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      // Plain text on stderr: this is read by a person fixing their environment, not by a log pipeline.
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
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
