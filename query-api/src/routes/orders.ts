import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { findOrder, ordersOf } from '@flowdose/projections/read-models/orders/queries';
import { requireRole } from '@flowdose/shared/http/auth';
import { requireCartReach } from '@flowdose/shared/http/cart-access';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';

export function orderRoutes({ pool, config, waitForPosition }: Deps): Router {
  const router = Router();

  // A customer's order answers to them; a guest's to the token of the cart it came from.
  router.get('/orders/:orderId', async (req, res) => {
    const orderId = String(req.params.orderId);
    if (!Id.safeParse(orderId).success) throw new NotFoundError('Order');
    await minPosition(req, waitForPosition, 'orders');
    const order = await findOrder(pool, orderId);
    if (!order) throw new NotFoundError('Order');
    try {
      requireCartReach(
        config.CART_TOKEN_SECRET,
        { cartId: order.cartId, customerId: order.customerId },
        {
          principal: req.principal,
          cartToken: req.get('X-Cart-Token'),
        },
      );
    } catch {
      throw new NotFoundError('Order');
    }
    res.set('Cache-Control', 'private, no-cache');
    res.json(order);
  });

  router.get('/me/orders', requireRole('customer'), async (req, res) => {
    await minPosition(req, waitForPosition, 'orders');
    res.set('Cache-Control', 'private, no-cache');
    res.json({ items: await ordersOf(pool, req.principal!.userId) });
  });

  return router;
}
