import type { Config } from '@flowdose/shared/config';
import type { Pool } from '@flowdose/shared/db';
import { attachContext } from '@flowdose/shared/http/context';
import { notFoundRoute, problemHandler } from '@flowdose/shared/http/problem';
import { requestLog } from '@flowdose/shared/http/request-log';
import type { Logger } from '@flowdose/shared/logger';
import type { Redis } from '@flowdose/shared/redis';
import express from 'express';
import type { PositionWaiter } from './min-position.ts';
import { cartRoutes } from './routes/carts.ts';
import { healthRoute } from './routes/health.ts';

export type Deps = {
  config: Config;
  logger: Logger;
  pool: Pool;
  redis: Redis;
  waitForPosition: PositionWaiter;
};

export function buildApp(deps: Deps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLog(deps.logger));
  app.use(attachContext);
  app.use(healthRoute(deps));
  app.use(cartRoutes(deps));
  app.use(notFoundRoute);
  app.use(problemHandler(deps.logger));
  return app;
}
