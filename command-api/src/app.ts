import { commandApi } from '@flowdose/contract/command-api';
import { createHttpApp } from '@flowdose/shared/http/bootstrap';
import type express from 'express';
import type { Deps } from './deps.ts';
import { adminDeadLetterRoutes } from './routes/admin-dead-letters.ts';
import { adminDiscountRoutes } from './routes/admin-discounts.ts';
import { adminInventoryRoutes } from './routes/admin-inventory.ts';
import { adminOrderRoutes } from './routes/admin-orders.ts';
import { adminProductImageRoutes } from './routes/admin-product-images.ts';
import { adminProductRoutes } from './routes/admin-products.ts';
import { adminProjectionRoutes } from './routes/admin-projections.ts';
import { authRoutes } from './routes/auth.ts';
import { cartRoutes } from './routes/carts.ts';
import { healthRoute } from './routes/health.ts';
import { meRoutes } from './routes/me.ts';
import { meAddressRoutes } from './routes/me-addresses.ts';
import { paymentWebhookRoute } from './routes/payment-webhook.ts';

/** The command API without a listening socket, so tests drive it with real dependencies. */
export function buildApp(deps: Deps): express.Express {
  return createHttpApp({
    config: deps.config,
    logger: deps.logger,
    sessions: deps.sessions,
    contract: commandApi,
    health: healthRoute(deps),
    // The webhook's signature covers its raw bytes: it reads them before any JSON parsing.
    rawBodyRoutes: [paymentWebhookRoute(deps)],
    jsonBodies: true,
    routes: [
      deps.limits.commands,
      authRoutes(deps),
      meRoutes(deps),
      meAddressRoutes(deps),
      cartRoutes(deps),
      adminProjectionRoutes(deps),
      adminDeadLetterRoutes(deps),
      adminProductRoutes(deps),
      adminProductImageRoutes(deps),
      adminInventoryRoutes(deps),
      adminDiscountRoutes(deps),
      adminOrderRoutes(deps),
    ],
  });
}
