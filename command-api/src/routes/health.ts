import { healthRoutes } from '@flowdose/shared/http/health';
import type { Router } from 'express';
import type { Deps } from '../deps.ts';

/**
 * Redis as the rebuild queue reaches it (BullMQ's connection, which is what this API needs
 * Redis for: rate limits count per process while it is away). That connection holds a command
 * until Redis is back instead of failing it, so it is asked only while connected, and probes
 * never pile up on it.
 */
const queueAnswers = async (rebuilds: Deps['rebuilds']): Promise<undefined> => {
  const client = await rebuilds.client;
  if (client.status !== 'ready') throw new Error(`not connected (${client.status})`);
  await rebuilds.getJobCounts('waiting');
  return undefined;
};

/** /health, and /ready while Postgres and Redis (as the rebuild queue reaches it) answer. */
export function healthRoute({ pool, rebuilds }: Pick<Deps, 'pool' | 'rebuilds'>): Router {
  return healthRoutes('command-api', {
    postgres: async () => void (await pool.query('select 1')),
    redis: () => queueAnswers(rebuilds),
  });
}
