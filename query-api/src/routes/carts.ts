import { NotFoundError } from '@flowdose/shared/errors';
import { cartTokenMatches } from '@flowdose/shared/http/cart-token';
import { Id } from '@flowdose/shared/ids';
import { Router } from 'express';
import type { Deps } from '../app.ts';
import { minPosition } from '../min-position.ts';
import { findCart } from '../read-models/carts.ts';

export function cartRoutes({ pool, config, waitForPosition }: Deps): Router {
  const router = Router();
  router.get('/carts/:cartId', async (req, res) => {
    const cartId = String(req.params.cartId);
    if (!Id.safeParse(cartId).success || !cartTokenMatches(config.CART_TOKEN_SECRET, cartId, req.get('X-Cart-Token'))) {
      throw new NotFoundError('Cart');
    }
    await minPosition(req, waitForPosition, 'carts');
    const cart = await findCart(pool, cartId);
    if (!cart) throw new NotFoundError('Cart');
    // Private to its holder; revalidated by ETag on every use, since it changes often.
    res.set('Cache-Control', 'private, no-cache');
    res.json(cart);
  });
  return router;
}
