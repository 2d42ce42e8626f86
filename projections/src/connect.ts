import { connectClients } from '@flowdose/shared/clients';
import type { Config } from '@flowdose/shared/config';
import type { Logger } from '@flowdose/shared/logger';
import { closeQueues, createQueues } from './queues.ts';
import { projections } from './registry.ts';

/**
 * Connections enough for every worker at once. Each holds a transaction on its checkpoint
 * row while it reads its events on a second connection; the dispatcher's skipRange of that
 * projection waits on the row meanwhile, and its leader lock keeps one more. With too few,
 * those take them all and no worker has one to read with: a deadlock. (A service on 8
 * projections and 10 connections was seen stuck so: 5 workers idle in their transactions, 4
 * skipRange updates waiting on their rows, the lock; with 11 projections, the workers alone
 * could do it.) Twice the projections always leaves a worker a connection to read with, so it
 * finishes and frees the rest; four more for the leader lock, a rebuild and the status reads.
 */
export const poolSize = (projectionCount: number) => 2 * projectionCount + 4;

/** The clients both entry points (the service and the ops CLI) need; projections pipeline their writes. */
export function connect(config: Config, logger: Logger) {
  const clients = connectClients(config, logger, { max: poolSize(projections.length), pipeline: true });
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
