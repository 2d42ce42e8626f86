import { probe } from '@flowdose/shared/probe';
import { Router } from 'express';
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

/**
 * /health: the process is up and serving; no dependency is asked, so it never fails for theirs.
 * /ready: Postgres and Redis answer, each within a second; 503 naming each one's state if not.
 */
export function healthRoute({ pool, rebuilds }: Pick<Deps, 'pool' | 'rebuilds'>): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', service: 'command-api' });
  });
  router.get('/ready', async (_req, res) => {
    const [postgres, redis] = await Promise.all([
      probe(async () => void (await pool.query('select 1'))),
      probe(() => queueAnswers(rebuilds)),
    ]);
    const ok = postgres === 'ok' && redis === 'ok';
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ok' : 'unavailable', service: 'command-api', dependencies: { postgres, redis } });
  });
  return router;
}
