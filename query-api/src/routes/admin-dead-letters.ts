import { DeadLetterQuery } from '@flowdose/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { ProjectionName } from '@flowdose/domain/projection/events';
import { listDeadLetters } from '@flowdose/projections/dead-letters';
import { projections } from '@flowdose/projections/registry';
import { requireRole } from '@flowdose/shared/http/auth';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';

/**
 * The events a projection could not apply, with their errors (issue 24), for ops and admins;
 * retrying and skipping them are commands (the command API's admin-dead-letters routes).
 */
export function adminDeadLetterRoutes({ pool }: Pick<Deps, 'pool'>): Router {
  const router = Router();
  router.get('/admin/projections/:name/dead-letters', requireRole('ops', 'admin'), async (req, res) => {
    const { status } = validate(DeadLetterQuery, req.query);
    const name = String(req.params.name);
    if (!ProjectionName.safeParse(name).success || !projections.some((p) => p.name === name))
      throw new NotFoundError(`Projection ${name}`);
    res.set('Cache-Control', 'no-store');
    res.json({ projection: name, items: await listDeadLetters(pool, name, status ? { status } : {}) });
  });
  return router;
}
