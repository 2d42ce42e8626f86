import { authenticate } from '@flowdose/shared/http/auth';
import { withClientErrorProblems } from '@flowdose/shared/http/client-error';
import { attachContext } from '@flowdose/shared/http/context';
import { corsPolicy } from '@flowdose/shared/http/cors';
import { notFoundRoute, problemHandler } from '@flowdose/shared/http/problem';
import { requestLog } from '@flowdose/shared/http/request-log';
import { refuseNulInUrl } from '@flowdose/shared/http/url-guard';
import express from 'express';
import helmet from 'helmet';
import type { Deps } from './deps.ts';
import { adminRoutes } from './routes/admin.ts';
import { cartRoutes } from './routes/carts.ts';
import { healthRoute } from './routes/health.ts';
import { orderRoutes } from './routes/orders.ts';
import { productRoutes } from './routes/products.ts';

export function buildApp(deps: Deps): express.Express {
  const app = withClientErrorProblems(express(), deps.logger);
  // Express's own error page (reached only if an error got past problemHandler) shows the
  // stack outside production; never here.
  app.set('env', 'production');
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLog(deps.logger));
  app.use(attachContext);
  app.use(helmet());
  app.use(corsPolicy(deps.config));
  app.use(refuseNulInUrl);
  app.use(healthRoute(deps));
  app.use(authenticate(deps.config.AUTH_JWT_SECRET, deps.sessions));
  app.use(cartRoutes(deps));
  app.use(productRoutes(deps));
  app.use(orderRoutes(deps));
  app.use(adminRoutes(deps));
  app.use(notFoundRoute);
  // Last: every error, including a path parameter's bad %-escape, ends here as a problem.
  app.use(problemHandler(deps.logger));
  return app;
}
