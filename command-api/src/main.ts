import { connectClients } from '@flowdose/shared/clients';
import { loadConfig } from '@flowdose/shared/config';
import { createLogger } from '@flowdose/shared/logger';
import { gracefulShutdown, listenedOrExit } from '@flowdose/shared/shutdown';
import { buildApp } from './app.ts';
import { commandDeps } from './deps.ts';
import { startHousekeeping } from './release-expired.ts';

const config = loadConfig();
const logger = createLogger('command-api', config.LOG_LEVEL);
const clients = connectClients(config, logger);
const deps = commandDeps({ config, logger, ...clients });
// Processes a crash left half-way are finished or undone at start, then every minute.
const housekeeping = startHousekeeping(deps, logger);
const server = buildApp(deps).listen(config.COMMAND_API_PORT, listenedOrExit(logger, `:${config.COMMAND_API_PORT}`));

gracefulShutdown({
  logger,
  server,
  async steps() {
    await housekeeping.close();
    await deps.rebuilds.close();
    await deps.renditions.close();
    await deps.blobs.close();
    await clients.close();
  },
});
