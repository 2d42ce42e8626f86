import type { CustomerOrders, OrderView } from '@flowdose/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { findOrder, ordersOf, orderVersion } from '@flowdose/projections/read-models/orders/queries';
import { ORDERS } from '@flowdose/projections/read-models/orders/tables';
import { STAFF_ROLES } from '@flowdose/shared/auth/tokens';
import { requireRole } from '@flowdose/shared/http/auth';
import { requireCartReach } from '@flowdose/shared/http/cart-access';
import { type Request, Router } from 'express';
import type { Registry } from 'prom-client';
import type { Deps } from '../deps.ts';
import { openEventStream } from '../event-stream.ts';
import { createLiveOrders } from '../live-orders.ts';
import { minPosition } from '../min-position.ts';

export function orderRoutes(
  { pool, config, waitForPosition, changes, logger, stopping }: Deps,
  metrics: Registry,
): Router {
  const router = Router();
  const live = createLiveOrders({ pool, changes, logger, recheckMs: config.LIVE_ORDER_RECHECK_MS, metrics });

  /**
   * The order, if the caller may read it: a customer's to them, a guest's to the token of the
   * cart it came from, any to staff. Anyone else gets 404, as for an order that does not exist.
   */
  const readableOrder = async (req: Request, orderId: string): Promise<OrderView> => {
    const order = await findOrder(pool, orderId);
    if (!order) throw new NotFoundError('Order');
    if ((STAFF_ROLES as readonly string[]).includes(req.principal?.role ?? '')) return order;
    try {
      requireCartReach(
        config.CART_TOKEN_SECRET,
        { cartId: order.cartId, customerId: order.customerId },
        { principal: req.principal, cartToken: req.get('X-Cart-Token') },
      );
    } catch {
      throw new NotFoundError('Order');
    }
    return order;
  };

  router.get('/orders/:orderId', async (req, res) => {
    const orderId = orderIdOf(req);
    await minPosition(req, waitForPosition, ORDERS);
    const order = await readableOrder(req, orderId);
    res.set('Cache-Control', 'private, no-cache');
    res.json(order);
  });

  /**
   * The order as Server-Sent Events: an `order` message with the whole order each time it
   * changes, its id the order's version (orderVersion). The first message is the order as it
   * is now; a reconnect's Last-Event-ID starts after that version, so it gets the order as it
   * is now (whose history holds the changes missed) only if something changed, and never a
   * version it had.
   */
  router.get('/orders/:orderId/live', async (req, res) => {
    const orderId = orderIdOf(req);
    await minPosition(req, waitForPosition, ORDERS);
    const order = await readableOrder(req, orderId);
    // No longer than an access token lives, so a session signed out or revoked since stops
    // getting the order at the latest then: the reconnect is authenticated again.
    const stream = openEventStream(res, {
      heartbeatMs: config.LIVE_ORDER_HEARTBEAT_MS,
      maxAgeMs: config.ACCESS_TOKEN_TTL_SECONDS * 1000,
      stopping,
    });
    const watch = live.watch(order.orderId, resumeFrom(req.get('Last-Event-ID'), order), (changed, version) =>
      stream.send(String(version), 'order', changed),
    );
    stream.onEnd(watch.stop);
    // The answer has begun, so a failed first read cannot be a problem answer: the stream ends
    // and the client reconnects.
    await watch.first.catch((err) => {
      logger.warn({ err }, 'live order not read');
      stream.end();
    });
  });

  router.get('/me/orders', requireRole('customer'), async (req, res) => {
    await minPosition(req, waitForPosition, ORDERS);
    res.set('Cache-Control', 'private, no-cache');
    res.json({ items: await ordersOf(pool, req.principal!.userId) } satisfies CustomerOrders);
  });

  return router;
}

const orderIdOf = (req: Request): string => {
  const orderId = String(req.params.orderId);
  if (!Id.safeParse(orderId).success) throw new NotFoundError('Order');
  return orderId;
};

/**
 * The version a reconnect has seen. An id this order never reached (not ours, or from a model
 * rebuilt to count differently) starts over, so the client gets the order as it is now.
 */
function resumeFrom(lastEventId: string | undefined, order: OrderView): number {
  const seen = /^\d{1,9}$/.test(lastEventId ?? '') ? Number(lastEventId) : 0;
  return seen <= orderVersion(order) ? seen : 0;
}
