// First: tracing patches pg, ioredis and express before anything loads them.
import '@flowdose/shared/tracing';
import { commandApi } from '@flowdose/contract/command-api';
import { connectClients } from '@flowdose/shared/clients';
import { loadConfig } from '@flowdose/shared/config';
import { createMetrics } from '@flowdose/shared/http/metrics';
import { createLogger } from '@flowdose/shared/logger';
import { expressRouteLabel, instrumentHttp } from '@flowdose/shared/metrics/http';
import { metricsPort, serveMetrics } from '@flowdose/shared/metrics/serve';
import { gracefulShutdown, listenedOrExit } from '@flowdose/shared/shutdown';
import { flushTracing } from '@flowdose/shared/tracing';
import { buildApp } from './app.ts';
import { commandDeps } from './deps.ts';
import { startHousekeeping } from './release-expired.ts';

const config = loadConfig();
const logger = createLogger('command-api', config.LOG_LEVEL, config);
const metrics = createMetrics('command-api');
const clients = connectClients(config, logger, { metrics });
const deps = commandDeps({ config, logger, ...clients });
// Processes a crash left half-way are finished or undone at start, then every minute.
const housekeeping = startHousekeeping(deps, logger, { registry: metrics });
const server = buildApp(deps).listen(config.COMMAND_API_PORT, listenedOrExit(logger, `:${config.COMMAND_API_PORT}`));
instrumentHttp(server, metrics, expressRouteLabel(commandApi));
const metricsServer = serveMetrics(metrics, {
  host: config.METRICS_HOST,
  port: metricsPort(config, 'command-api'),
  logger,
});

gracefulShutdown({
  logger,
  server,
  async steps() {
    await housekeeping.close();
    await deps.rebuilds.close();
    await deps.renditions.close();
    await deps.blobs.close();
    await clients.close();
    await (await metricsServer).close();
    await flushTracing();
  },
});
