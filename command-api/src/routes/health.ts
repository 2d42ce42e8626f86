import { Router } from 'express';
import type { Deps } from '../app.ts';

/** Each dependency has this long to answer, so /ready answers quickly while one is away. */
const PROBE_TIMEOUT_MS = 1000;

/** 'ok', or why not: the error's message, or that it did not answer in time. */
const probe = (check: () => Promise<unknown>): Promise<string> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([check(), late])
    .then(
      () => 'ok',
      (e: Error) => e.message || String(e),
    )
    .finally(() => clearTimeout(timer));
};

/**
 * Redis as the rebuild queue reaches it (BullMQ's connection, which is what this API needs
 * Redis for: rate limits count per process while it is away). That connection holds a command
 * until Redis is back instead of failing it, so it is asked only while connected, and probes
 * never pile up on it.
 */
const queueAnswers = async (rebuilds: Deps['rebuilds']) => {
  const client = await rebuilds.client;
  if (client.status !== 'ready') throw new Error(`not connected (${client.status})`);
  await rebuilds.getJobCounts('waiting');
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
      probe(() => pool.query('select 1')),
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
