import { authenticate } from '@flowdose/shared/http/auth';
import { withClientErrorProblems } from '@flowdose/shared/http/client-error';
import { attachContext } from '@flowdose/shared/http/context';
import { corsPolicy } from '@flowdose/shared/http/cors';
import { jsonBodyOptions } from '@flowdose/shared/http/json-body';
import { notFoundRoute, problemHandler } from '@flowdose/shared/http/problem';
import { requestLog } from '@flowdose/shared/http/request-log';
import { refuseNulInUrl } from '@flowdose/shared/http/url-guard';
import express from 'express';
import helmet from 'helmet';
import type { Deps } from './deps.ts';
import { adminDiscountRoutes } from './routes/admin-discounts.ts';
import { adminInventoryRoutes } from './routes/admin-inventory.ts';
import { adminOrderRoutes } from './routes/admin-orders.ts';
import { adminProductRoutes } from './routes/admin-products.ts';
import { adminProjectionRoutes } from './routes/admin-projections.ts';
import { authRoutes } from './routes/auth.ts';
import { cartRoutes } from './routes/carts.ts';
import { healthRoute } from './routes/health.ts';
import { paymentWebhookRoute } from './routes/payment-webhook.ts';

/** The command API without a listening socket, so tests drive it with real dependencies. */
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
  // The webhook's signature covers its raw bytes: it reads them before any JSON parsing.
  app.use(paymentWebhookRoute(deps));
  // Duplicate keys and deep nesting are refused here, before anything hashes or validates a body.
  app.use(express.json(jsonBodyOptions(deps.config.BODY_LIMIT)));
  app.use(healthRoute(deps));
  app.use(authenticate(deps.config.AUTH_JWT_SECRET, deps.sessions));
  app.use(deps.limits.commands);
  app.use(authRoutes(deps));
  app.use(cartRoutes(deps));
  app.use(adminProjectionRoutes(deps));
  app.use(adminProductRoutes(deps));
  app.use(adminInventoryRoutes(deps));
  app.use(adminDiscountRoutes(deps));
  app.use(adminOrderRoutes(deps));
  app.use(notFoundRoute);
  // Last: every error, including a path parameter's bad %-escape, ends here as a problem.
  app.use(problemHandler(deps.logger));
  return app;
}
