import { ProductSalesItem, ProductSalesQuery, SalesBucket, SalesQuery } from '@flowdose/domain/contract/query-api';
import { topProductSales } from '@flowdose/projections/read-models/product_sales/queries';
import { salesByPeriod } from '@flowdose/projections/read-models/sales_daily/queries';
import { requireRole } from '@flowdose/shared/http/auth';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { sendItems } from './csv.ts';

/** Analytics are for analysts and admins; ops run the shop and read its operations instead. */
const analyticsRead = requireRole('admin', 'analyst');

export function adminAnalyticsRoutes({ pool, waitForPosition }: Deps): Router {
  const router = Router();
  router.get('/admin/analytics/sales', analyticsRead, async (req, res) => {
    const query = validate(SalesQuery, req.query);
    await minPosition(req, waitForPosition, 'sales_daily');
    sendItems(req, res, SalesBucket.keyof().options, await salesByPeriod(pool, query));
  });
  router.get('/admin/analytics/products', analyticsRead, async (req, res) => {
    const query = validate(ProductSalesQuery, req.query);
    await minPosition(req, waitForPosition, 'product_sales');
    sendItems(req, res, ProductSalesItem.keyof().options, await topProductSales(pool, query));
  });
  return router;
}
