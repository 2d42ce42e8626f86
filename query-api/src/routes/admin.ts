import { projections } from '@flowdose/projections/registry';
import { projectionStatus } from '@flowdose/projections/status';
import { requireRole } from '@flowdose/shared/http/auth';
import { Router } from 'express';
import type { Deps } from '../app.ts';

export function adminRoutes({ pool, store }: Deps): Router {
  const router = Router();
  router.get('/admin/projections', requireRole('ops', 'admin'), async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ projections: await projectionStatus(pool, store, projections) });
  });
  return router;
}
