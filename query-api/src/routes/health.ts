import { Router } from 'express';
import type { Deps } from '../app.ts';

export function healthRoute({ pool, redis }: Pick<Deps, 'pool' | 'redis'>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [postgres, redisState] = await Promise.all([
      pool.query('select 1').then(
        () => 'ok',
        (e: Error) => e.message,
      ),
      redis.ping().then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    ]);
    const ok = postgres === 'ok' && redisState === 'ok';
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ok' : 'degraded', service: 'query-api', dependencies: { postgres, redis: redisState } });
  });
  return router;
}
