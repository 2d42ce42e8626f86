import { RetryDeadLetterBody, SkipDeadLetterBody } from '@flowdose/contract/command-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { ProjectionName } from '@flowdose/domain/projection/events';
import { retryDeadLetter, skipDeadLetter } from '@flowdose/projections/dead-letters';
import { positionToken } from '@flowdose/shared/event-store/position';
import { requireRole } from '@flowdose/shared/http/auth';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { validate } from '@flowdose/shared/http/validate';
import { type Request, Router } from 'express';
import type { Deps } from '../deps.ts';

/**
 * Staff settle an event a projection could not apply (issue 24): retry it after a fix, or
 * skip it, which leaves the read model without it and is recorded as an event for the
 * audit. Both only write PostgreSQL; the projection's worker notices within seconds.
 */
export function adminDeadLetterRoutes({ pool, store, config, projectionNames }: Deps): Router {
  const router = Router();
  const keepers = [
    requireRole('ops', 'admin'),
    idempotent(pool, (req) => `admin:${req.principal!.userId}`, config.IDEMPOTENCY_LOCK_SECONDS),
  ];
  const projectionOf = (req: Request) => {
    const name = String(req.params.name);
    if (!ProjectionName.safeParse(name).success || !projectionNames.includes(name))
      throw new NotFoundError(`Projection ${name}`);
    return name;
  };

  router.post('/admin/projections/:name/dead-letters/:position/retry', ...keepers, async (req, res) => {
    const { reason } = validate(RetryDeadLetterBody, req.body ?? {});
    const deadLetter = await retryDeadLetter(pool, {
      projection: projectionOf(req),
      position: String(req.params.position),
      reason: reason ?? null,
      by: req.context.actor.userId,
    });
    res.json({ deadLetter, position: null, correlationId: null });
  });

  router.post('/admin/projections/:name/dead-letters/:position/skip', ...keepers, async (req, res) => {
    const { reason } = validate(SkipDeadLetterBody, req.body);
    const { deadLetter, position } = await skipDeadLetter(
      { pool, store },
      { projection: projectionOf(req), position: String(req.params.position), reason, context: req.context },
    );
    res.json({ deadLetter, position: positionToken(position), correlationId: req.context.correlationId });
  });
  return router;
}
