import { connectClients } from '@flowdose/shared/clients';
import type { Config } from '@flowdose/shared/config';
import type { Logger } from '@flowdose/shared/logger';
import type { Registry } from 'prom-client';
import { closeQueues, createQueues } from './queues.ts';
import { projections } from './registry.ts';

/**
 * A connection for every worker at once, so no projection waits for another's range, and four
 * more for the dispatcher's leader lock, a rebuild and the status reads. Too few is slower,
 * not stuck: a worker reads its events before it locks its checkpoint row (run-range.ts), so
 * whoever holds a row lock needs no second connection to finish.
 */
export const poolSize = (projectionCount: number) => projectionCount + 4;

/**
 * The clients both entry points (the service and the ops CLI) need; projections pipeline their
 * writes. The service passes its metrics registry: the clients' figures go there.
 */
export function connect(config: Config, logger: Logger, metrics?: Registry) {
  const clients = connectClients(config, logger, {
    max: poolSize(projections.length),
    pipeline: true,
    ...(metrics ? { metrics } : {}),
  });
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
