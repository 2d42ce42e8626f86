import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { queueName, quiet } from '@flowdose/projections/queues';
import { projectionsFor } from '@flowdose/projections/registry';
import { RENDITIONS_QUEUE } from '@flowdose/projections/renditions';
import type { Config } from '@flowdose/shared/config';
import { ForbiddenError } from '@flowdose/shared/errors';
import { requireRole } from '@flowdose/shared/http/auth';
import { REBUILD_QUEUE } from '@flowdose/shared/read-models';
import { Queue } from 'bullmq';
import { type RequestHandler, Router } from 'express';
import type { Deps } from '../deps.ts';

/**
 * Where the dashboard lives, on this API and in the back office alike: the storefront forwards
 * its /admin/queues/* here unchanged, so the page's assets and API calls resolve on both.
 */
export const QUEUES_PATH = '/admin/queues';

/** Every BullMQ queue the system runs: one per projection, the rebuilds, the image renditions. */
export const queueNames = (config: Config): string[] => [
  ...projectionsFor(config).map((p) => queueName(p.name)),
  REBUILD_QUEUE,
  RENDITIONS_QUEUE,
];

/**
 * Only what reads: the board is read-only (bull-board's readOnlyMode hides its buttons), and
 * this refuses any other method before bull-board sees it, so no UI setting can turn it into
 * a way to add, edit, pause, clean or obliterate jobs. Every retry that matters has its own
 * audited or automatic way already (dead letters' retry and skip, a rebuild, a rendition asked
 * for again on its first request).
 */
const readsOnly: RequestHandler = (req, _res, next) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new ForbiddenError('The queue dashboard only reads.');
  next();
};

/** Staff read what is true now; the page's scripts and styles (named by their hash) may be kept. */
const fresh: RequestHandler = (req, res, next) => {
  if (!req.path.startsWith('/static/')) res.set('Cache-Control', 'no-store');
  next();
};

/**
 * bull-board at /admin/queues for ops and admins. Its queue handles share the API's request
 * Redis connection (as the projection status does), which fails fast while Redis is away:
 * the board then answers an error instead of hanging on BullMQ's retry-forever connection.
 */
export function adminQueueRoutes(deps: Pick<Deps, 'config' | 'redis'>): Router {
  const board = new ExpressAdapter();
  board.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: queueNames(deps.config).map(
      (name) =>
        new BullMQAdapter(quiet(new Queue(name, { connection: deps.redis, prefix: deps.config.QUEUE_PREFIX })), {
          readOnlyMode: true,
        }),
    ),
    // @bull-board/api is pinned to @bull-board/express's version (query-api/package.json): two
    // copies would type the same adapter twice.
    serverAdapter: board,
    // The way back, in the board's own menu (it sits outside the back office's frame).
    options: { uiConfig: { boardTitle: 'Flowdose queues', miscLinks: [{ text: 'Back office', url: '/admin' }] } },
  });
  const router = Router();
  router.use(QUEUES_PATH, requireRole('ops', 'admin'), readsOnly, fresh, board.getRouter());
  return router;
}
