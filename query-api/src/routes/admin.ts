import { encodeCursor } from '@flowdose/contract/cursor';
import { NoQuery, OrderListQuery, type OrderPage } from '@flowdose/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { findOrder, listOrders } from '@flowdose/projections/read-models/orders/queries';
import { ORDERS } from '@flowdose/projections/read-models/orders/tables';
import { requireRole } from '@flowdose/shared/http/auth';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { projectionStatuses } from '../projection-status.ts';

export function adminRoutes(deps: Deps): Router {
  const { pool, waitForPosition } = deps;
  const router = Router();
  router.get('/admin/projections', requireRole('ops', 'admin'), async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ projections: await projectionStatuses(deps) });
  });

  router.get('/admin/orders', requireRole('admin', 'ops', 'analyst'), async (req, res) => {
    const { cursor, ...filter } = validate(OrderListQuery, req.query);
    await minPosition(req, waitForPosition, ORDERS);
    const { items, last, more } = await listOrders(pool, { ...filter, ...(cursor ? { after: cursor } : {}) });
    res.set('Cache-Control', 'no-store');
    res.json({ items, nextCursor: more && last ? encodeCursor(last) : null } satisfies OrderPage);
  });

  // Any order, whoever placed it: the shopper's own route answers only to its owner.
  router.get('/admin/orders/:orderId', requireRole('admin', 'ops', 'analyst'), async (req, res) => {
    validate(NoQuery, req.query);
    const orderId = String(req.params.orderId);
    if (!Id.safeParse(orderId).success) throw new NotFoundError('Order');
    await minPosition(req, waitForPosition, ORDERS);
    const order = await findOrder(pool, orderId);
    if (!order) throw new NotFoundError('Order');
    res.set('Cache-Control', 'no-store');
    res.json(order);
  });
  return router;
}
