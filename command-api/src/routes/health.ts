import { Router } from 'express';
import type { Deps } from '../app.ts';

export function healthRoute({ pool }: Pick<Deps, 'pool'>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const postgres = await pool.query('select 1').then(
      () => 'ok',
      (e: Error) => e.message,
    );
    const ok = postgres === 'ok';
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ok' : 'degraded', service: 'command-api', dependencies: { postgres } });
  });
  return router;
}
