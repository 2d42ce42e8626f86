import { connectClients } from '@flowdose/shared/clients';
import type { Config } from '@flowdose/shared/config';
import type { Logger } from '@flowdose/shared/logger';
import { closeQueues, createQueues } from './queues.ts';
import { projections } from './registry.ts';

/** The clients both entry points (the service and the ops CLI) need; projections pipeline their writes. */
export function connect(config: Config, logger: Logger) {
  const clients = connectClients(config, logger, { max: 10, pipeline: true });
  const queues = createQueues(clients.queueRedis, config.QUEUE_PREFIX, projections);
  return {
    ...clients,
    queues,
    async close() {
      await closeQueues(queues);
      await clients.close();
    },
  };
}
