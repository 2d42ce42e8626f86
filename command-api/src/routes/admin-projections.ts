import { NotFoundError } from '@flowdose/domain/errors';
import { requireRole } from '@flowdose/shared/http/auth';
import { rebuildJobId } from '@flowdose/shared/read-models';
import { askQueue } from '@flowdose/shared/unavailable';
import { Router } from 'express';
import type { Deps } from '../deps.ts';

const PROJECTION_NAME = /^[a-z][a-z0-9_]{0,40}$/;

/**
 * Asks the projections service to rebuild a read model. One rebuild of a projection at a
 * time: asking again while one is queued or running answers that same job. With Redis away,
 * a 503 within about a second (askQueue), never a wait for as long as it is away.
 */
export function adminProjectionRoutes({ rebuilds, projectionNames }: Deps): Router {
  const router = Router();
  router.post('/admin/projections/:name/rebuild', requireRole('ops', 'admin'), async (req, res) => {
    const name = String(req.params.name);
    if (!PROJECTION_NAME.test(name) || !projectionNames.includes(name)) throw new NotFoundError(`Projection ${name}`);
    const jobId = rebuildJobId(name);
    const requestedBy = req.principal!.userId;
    const answer = await askQueue(rebuilds, async () => {
      const existing = await rebuilds.getJob(jobId);
      if (existing && ['completed', 'failed'].includes(await existing.getState())) await existing.remove();
      const job = await rebuilds.add(
        'rebuild',
        { projection: name, requestedBy, requestId: req.context.requestId },
        { jobId },
      );
      return { jobId: job.id, state: await job.getState() };
    });
    res.status(202).json(answer);
  });
  return router;
}
