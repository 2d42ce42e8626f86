import { connectClients } from '@flowdose/shared/clients';
import { loadConfig } from '@flowdose/shared/config';
import { createLogger } from '@flowdose/shared/logger';
import { buildApp } from './app.ts';
import { commandDeps } from './deps.ts';
import { startHousekeeping } from './release-expired.ts';

const config = loadConfig();
const logger = createLogger('command-api', config.LOG_LEVEL);
const clients = connectClients(config, logger);
const deps = commandDeps({ config, logger, ...clients });
// Processes a crash left half-way are finished or undone at start, then every minute.
const expiry = startHousekeeping(deps, logger);
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
