import { queryApi } from '@flowdose/contract/query-api';
import { createHttpApp } from '@flowdose/shared/http/bootstrap';
import { createMetrics } from '@flowdose/shared/http/metrics';
import type express from 'express';
import type { Deps } from './deps.ts';
import { CACHED_MODELS, createReadCache } from './read-cache.ts';
import { adminRoutes } from './routes/admin.ts';
import { adminAnalyticsRoutes } from './routes/admin-analytics.ts';
import { adminCustomerRoutes } from './routes/admin-customers.ts';
import { adminDashboardRoutes } from './routes/admin-dashboard.ts';
import { adminDeadLetterRoutes } from './routes/admin-dead-letters.ts';
import { adminDiscountRoutes } from './routes/admin-discounts.ts';
import { adminInventoryRoutes } from './routes/admin-inventory.ts';
import { adminProductRoutes } from './routes/admin-products.ts';
import { adminQueueRoutes } from './routes/admin-queues.ts';
import { auditRoutes } from './routes/audit.ts';
import { cartRoutes } from './routes/carts.ts';
import { healthRoute } from './routes/health.ts';
import { meAddressRoutes } from './routes/me-addresses.ts';
import { mediaRoutes } from './routes/media.ts';
import { orderRoutes } from './routes/orders.ts';
import { productRoutes } from './routes/products.ts';
import { searchRoutes } from './routes/search.ts';
import { imageShower } from './shown-images.ts';

/** The query API without a listening socket, so tests drive it with real dependencies. */
export function buildApp(deps: Deps): express.Express {
  const metrics = deps.metrics ?? createMetrics('query-api');
  const cache = createReadCache({
    ...deps,
    metrics,
    prefix: deps.config.QUEUE_PREFIX,
    ttlSeconds: deps.config.CACHE_TTL_SECONDS,
    enabled: deps.config.READ_CACHE === 'on',
    projections: CACHED_MODELS,
    variant: deps.config.MEDIA_PUBLIC_BASE_URL ?? '',
  });
  // One for every route that shows product images: what it learnt is ready, all of them know.
  const show = imageShower({ blobs: deps.blobs, base: deps.config.MEDIA_PUBLIC_BASE_URL, logger: deps.logger });
  return createHttpApp({
    config: deps.config,
    logger: deps.logger,
    sessions: deps.sessions,
    contract: queryApi,
    health: healthRoute(deps),
    // Reads only: no request body is parsed.
    jsonBodies: false,
    routes: [
      mediaRoutes(deps),
      cartRoutes(deps),
      productRoutes(deps, cache, show),
      searchRoutes(deps, cache, show),
      orderRoutes(deps, metrics),
      meAddressRoutes(deps),
      adminRoutes(deps),
      adminDeadLetterRoutes(deps),
      adminQueueRoutes(deps),
      adminDashboardRoutes(deps),
      adminProductRoutes(deps, show),
      adminInventoryRoutes(deps),
      adminDiscountRoutes(deps),
      adminCustomerRoutes(deps),
      adminAnalyticsRoutes(deps),
      auditRoutes(deps),
    ],
  });
}
