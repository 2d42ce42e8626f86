import type { CartView } from '@flowdose/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { findCart } from '@flowdose/projections/read-models/carts/queries';
import { CARTS } from '@flowdose/projections/read-models/carts/tables';
import { refuseStaff } from '@flowdose/shared/http/auth';
import { mayTryCart, requireCartReach } from '@flowdose/shared/http/cart-access';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';

export function cartRoutes({ pool, config, waitForPosition }: Deps): Router {
  const router = Router();
  router.use('/carts', refuseStaff);
  router.get('/carts/:cartId', async (req, res) => {
    const cartId = String(req.params.cartId);
    const caller = { principal: req.principal, cartToken: req.get('X-Cart-Token') };
    mayTryCart(config.CART_TOKEN_SECRET, cartId, caller);
    await minPosition(req, waitForPosition, CARTS);
    const cart = await findCart(pool, cartId);
    if (!cart) throw new NotFoundError('Cart');
    requireCartReach(config.CART_TOKEN_SECRET, cart, caller);
    // Private to its holder; revalidated by ETag on every use, since it changes often.
    res.set('Cache-Control', 'private, no-cache');
    res.json(cart satisfies CartView);
  });
  return router;
}
