import { createQueues, type ProjectionQueues } from '@flowdose/projections/queues';
import { projections } from '@flowdose/projections/registry';
import { projectionStatus } from '@flowdose/projections/status';
import type { Redis } from '@flowdose/shared/redis';
import type { Deps } from './deps.ts';

// One set of queue handles per Redis connection the API holds (one in a process; a few in
// tests): they are light, share the connection, and go with it.
const handles = new WeakMap<Redis, ProjectionQueues>();

/**
 * Each projection's status as staff read it, with its queue's depth read from Redis (null
 * while Redis is away: the rest still answers).
 */
export function projectionStatuses({ pool, store, redis, config }: Pick<Deps, 'pool' | 'store' | 'redis' | 'config'>) {
  let queues = handles.get(redis);
  if (!queues) {
    queues = createQueues(redis, config.QUEUE_PREFIX, projections);
    handles.set(redis, queues);
  }
  return projectionStatus(pool, store, projections, queues);
}
