import { type Dashboard, NoQuery } from '@flowdose/contract/query-api';
import { CATALOG } from '@flowdose/projections/read-models/catalog/tables';
import { lowStock } from '@flowdose/projections/read-models/inventory/queries';
import { INVENTORY } from '@flowdose/projections/read-models/inventory/tables';
import { ordersWaiting, salesBetween } from '@flowdose/projections/read-models/orders/queries';
import { ORDERS } from '@flowdose/projections/read-models/orders/tables';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { projectionStatuses } from '../projection-status.ts';
import { sendFresh, staffRead } from './staff.ts';

const DAY_MS = 86_400_000;
const LOW_STOCK_SHOWN = 20;

export function adminDashboardRoutes(deps: Deps): Router {
  const { pool, config, waitForPosition } = deps;
  const router = Router();
  router.get('/admin/dashboard', staffRead, async (req, res) => {
    validate(NoQuery, req.query);
    await minPosition(req, waitForPosition, ORDERS, INVENTORY, CATALOG);
    const date = new Date().toISOString().slice(0, 10);
    const from = new Date(`${date}T00:00:00.000Z`);
    const [sales, waiting, low, status] = await Promise.all([
      salesBetween(pool, from, new Date(from.getTime() + DAY_MS)),
      ordersWaiting(pool),
      lowStock(pool, config.LOW_STOCK_THRESHOLD, LOW_STOCK_SHOWN),
      projectionStatuses(deps),
    ]);
    sendFresh(res, { date, sales, waiting, lowStock: low, projections: status } satisfies Dashboard);
  });
  return router;
}
