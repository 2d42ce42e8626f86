import { connectClients } from '@flowdose/shared/clients';
import { loadConfig } from '@flowdose/shared/config';
import { createLogger } from '@flowdose/shared/logger';
import { buildApp } from './app.ts';
import { commandDeps } from './deps.ts';
import { recoverProcesses } from './recover.ts';
import { startExpiryJob } from './release-expired.ts';

const config = loadConfig();
const logger = createLogger('command-api', config.LOG_LEVEL);
const clients = connectClients(config, logger);
const deps = commandDeps({ config, logger, ...clients });
const expiry = await startExpiryJob(deps, clients.queueRedis, logger);
// Processes a crash left half-way are finished or undone now, not only at the next tick.
recoverProcesses(deps, logger).then(
  (done) => logger.info(done, 'process recovery at start'),
  (err) => logger.error({ err }, 'process recovery at start failed'),
);
const server = buildApp(deps).listen(config.COMMAND_API_PORT, () =>
  logger.info(`command-api listening on :${config.COMMAND_API_PORT}`),
);

const shutdown = async () => {
  logger.info('shutting down');
  server.close();
  await expiry.close();
  await deps.rebuilds.close();
  await clients.close();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
