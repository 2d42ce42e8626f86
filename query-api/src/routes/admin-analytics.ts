import {
  AbandonmentBucket,
  AbandonmentQuery,
  DiscountUsageBucket,
  DiscountUsageQuery,
  FunnelBucket,
  FunnelQuery,
  ProductSalesItem,
  ProductSalesQuery,
  SalesBucket,
  SalesQuery,
} from '@flowdose/contract/query-api';
import { abandonmentByPeriod } from '@flowdose/projections/read-models/cart_abandonment/queries';
import { CART_ABANDONMENT } from '@flowdose/projections/read-models/cart_abandonment/tables';
import { discountUsageByPeriod } from '@flowdose/projections/read-models/discount_usage/queries';
import { DISCOUNT_USAGE } from '@flowdose/projections/read-models/discount_usage/tables';
import { funnelByPeriod } from '@flowdose/projections/read-models/funnel_daily/queries';
import { FUNNEL_DAILY } from '@flowdose/projections/read-models/funnel_daily/tables';
import { topProductSales } from '@flowdose/projections/read-models/product_sales/queries';
import { PRODUCT_SALES } from '@flowdose/projections/read-models/product_sales/tables';
import { salesByPeriod } from '@flowdose/projections/read-models/sales_daily/queries';
import { SALES_DAILY } from '@flowdose/projections/read-models/sales_daily/tables';
import { requireRole } from '@flowdose/shared/http/auth';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { sendItems } from './csv.ts';

/** Analytics are for analysts and admins; ops run the shop and read its operations instead. */
const analyticsRead = requireRole('admin', 'analyst');

export function adminAnalyticsRoutes({ pool, waitForPosition, config, clock }: Deps): Router {
  const router = Router();
  router.get('/admin/analytics/sales', analyticsRead, async (req, res) => {
    const query = validate(SalesQuery, req.query);
    await minPosition(req, waitForPosition, SALES_DAILY);
    sendItems(req, res, SalesBucket.keyof().options, await salesByPeriod(pool, query));
  });
  router.get('/admin/analytics/products', analyticsRead, async (req, res) => {
    const query = validate(ProductSalesQuery, req.query);
    await minPosition(req, waitForPosition, PRODUCT_SALES);
    sendItems(req, res, ProductSalesItem.keyof().options, await topProductSales(pool, query));
  });
  router.get('/admin/analytics/funnel', analyticsRead, async (req, res) => {
    const query = validate(FunnelQuery, req.query);
    await minPosition(req, waitForPosition, FUNNEL_DAILY);
    sendItems(req, res, FunnelBucket.keyof().options, await funnelByPeriod(pool, query));
  });
  router.get('/admin/analytics/abandonment', analyticsRead, async (req, res) => {
    const query = validate(AbandonmentQuery, req.query);
    await minPosition(req, waitForPosition, CART_ABANDONMENT);
    // Abandoned is judged now, not when the model was written: idle time keeps running.
    const now = clock?.now() ?? new Date();
    const items = await abandonmentByPeriod(pool, {
      ...query,
      now,
      abandonedAfterHours: config.ABANDONED_CART_HOURS,
      timeZone: config.SHOP_TIME_ZONE,
    });
    sendItems(req, res, AbandonmentBucket.keyof().options, items);
  });
  router.get('/admin/analytics/discounts', analyticsRead, async (req, res) => {
    const query = validate(DiscountUsageQuery, req.query);
    await minPosition(req, waitForPosition, DISCOUNT_USAGE);
    sendItems(req, res, DiscountUsageBucket.keyof().options, await discountUsageByPeriod(pool, query));
  });
  return router;
}
