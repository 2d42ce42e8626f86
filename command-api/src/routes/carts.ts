import { type Cart, cartDecider } from '@flowdose/domain/cart/decider';
import { type CartEvent, cartStream } from '@flowdose/domain/cart/events';
import { AddItemBody, ChangeQuantityBody, CheckoutBody, OpenCartBody } from '@flowdose/domain/contract/command-api';
import { DomainError, NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { available, inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { STORE_CURRENCY } from '@flowdose/domain/money';
import { positionToken } from '@flowdose/shared/event-store/position';
import { mayTryCart, requireCartReach } from '@flowdose/shared/http/cart-access';
import { cartToken } from '@flowdose/shared/http/cart-token';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { validate } from '@flowdose/shared/http/validate';
import { type Request, type RequestHandler, Router } from 'express';
import { checkout } from '../checkout.ts';
import type { Deps } from '../deps.ts';
import { handle, loadState, newId } from '../handle-command.ts';

export function cartRoutes(deps: Deps): Router {
  const { store, pool, config, prices } = deps;
  const router = Router();

  const caller = (req: Request) => ({ principal: req.principal, cartToken: req.get('X-Cart-Token') });
  const requireCartAccess: RequestHandler = (req, _res, next) => {
    mayTryCart(config.CART_TOKEN_SECRET, String(req.params.cartId), caller(req));
    next();
  };
  // The owner is known once the stream is loaded: every cart decision checks it first.
  const guarded =
    (req: Request, decision: (state: Cart) => CartEvent[] | Promise<CartEvent[]>) =>
    (state: Cart): CartEvent[] | Promise<CartEvent[]> => {
      if (state.status !== 'empty') requireCartReach(config.CART_TOKEN_SECRET, state, caller(req));
      return decision(state);
    };
  const availableOf = async (sku: string) =>
    available((await loadState(store, inventoryDecider, inventoryStream(sku))).state);
  const cartScoped = idempotent(
    pool,
    (req) => `cart:${req.params.cartId}:${req.principal?.userId ?? 'token'}`,
    config.IDEMPOTENCY_LOCK_SECONDS,
  );

  // Whose Idempotency-Key this is: a user, or a guest told apart by address (the client's,
  // as the trusted proxy reports it). Another guest's key then neither replays a stranger's
  // cart and token nor derives the same cart id.
  const opener = (req: Request) => req.principal?.userId ?? `guest:${req.ip ?? ''}`;

  router.post('/carts', idempotent(pool, opener, config.IDEMPOTENCY_LOCK_SECONDS), async (req, res) => {
    const { currency } = validate(OpenCartBody, req.body);
    const cartId = newId(req.context, `cart:${opener(req)}`);
    // With a key, the cart id derives from it and its sender: a cart already there was opened
    // by this very request, whose answer was lost (a crash before it was stored). It is
    // answered again as it was, not refused as existing.
    const retried = req.context.idempotencyKey !== null;
    let again = false;
    const handled = await handle(store, cartDecider, cartStream(cartId), req.context, (state) => {
      again = retried && state.status !== 'empty';
      return again
        ? []
        : cartDecider.decide({ type: 'OpenCart', data: { cartId, currency, customerId: customerOf(req) } }, state);
    });
    const position = again ? (await store.readStream(cartStream(cartId), { limit: 1 }))[0]!.position : handled.position;
    res
      .status(201)
      .json({ cartId, cartToken: cartToken(config.CART_TOKEN_SECRET, cartId), position: positionToken(position) });
  });

  router.post('/carts/:cartId/items', requireCartAccess, cartScoped, async (req, res) => {
    const body = validate(AddItemBody, req.body);
    const cartId = String(req.params.cartId);
    const newLineId = newId(req.context, 'line');
    let lineId = newLineId;
    const { position } = await handle(
      store,
      cartDecider,
      cartStream(cartId),
      req.context,
      guarded(req, async (state) => {
        // A cart that is not open is refused by the decider, whatever it would have been priced in.
        const currency = state.status === 'open' ? state.currency : STORE_CURRENCY;
        const [unitPrice, free] = await Promise.all([prices.priceOf(body.sku, currency), availableOf(body.sku)]);
        const inCart = state.status === 'open' ? [...state.lines.values()].find((l) => l.sku === body.sku) : undefined;
        requireStock(body.sku, (inCart?.quantity ?? 0) + body.quantity, free, inCart?.quantity ?? 0);
        const events = cartDecider.decide(
          { type: 'AddCartItem', data: { cartId, lineId: newLineId, ...body, unitPrice } },
          state,
        );
        // The same SKU again grows its existing line: answer that line's id.
        lineId = events[0]?.type === 'CartItemQuantityChanged' ? events[0].data.lineId : newLineId;
        return events;
      }),
    );
    res.status(201).json({ lineId, position: positionToken(position) });
  });

  router.patch('/carts/:cartId/items/:lineId', requireCartAccess, cartScoped, async (req, res) => {
    const { quantity } = validate(ChangeQuantityBody, req.body);
    const { cartId, lineId } = lineParams(req.params);
    const { position } = await handle(
      store,
      cartDecider,
      cartStream(cartId),
      req.context,
      guarded(req, async (state) => {
        const line = state.status === 'open' ? state.lines.get(lineId) : undefined;
        if (line && quantity > line.quantity)
          requireStock(line.sku, quantity, await availableOf(line.sku), line.quantity);
        return cartDecider.decide({ type: 'ChangeCartItemQuantity', data: { cartId, lineId, quantity } }, state);
      }),
    );
    res.json({ position: positionToken(position) });
  });

  router.delete('/carts/:cartId/items/:lineId', requireCartAccess, cartScoped, async (req, res) => {
    const { cartId, lineId } = lineParams(req.params);
    const { position } = await handle(
      store,
      cartDecider,
      cartStream(cartId),
      req.context,
      guarded(req, (state) => cartDecider.decide({ type: 'RemoveCartItem', data: { cartId, lineId } }, state)),
    );
    res.json({ position: positionToken(position) });
  });

  router.post('/carts/:cartId/checkout', requireCartAccess, cartScoped, async (req, res) => {
    const body = validate(CheckoutBody, req.body);
    const { orderId, position } = await checkout(deps, req.context, caller(req), String(req.params.cartId), body);
    res.status(201).json({ orderId, position: positionToken(position) });
  });

  return router;
}

/**
 * A line may not grow past the units free now. Not a hold (checkout reserves): it tells the
 * shopper at once, and a line may always shrink.
 */
function requireStock(sku: string, wanted: number, free: number, had: number) {
  if (wanted > had && wanted > free)
    throw new DomainError('out-of-stock', `${sku}: ${Math.max(free, 0)} available, ${wanted} asked.`);
}

function lineParams(params: Record<string, string | string[]>) {
  const lineId = String(params.lineId);
  if (!Id.safeParse(lineId).success) throw new NotFoundError('Cart line');
  return { cartId: String(params.cartId), lineId };
}

/** A signed-in customer's new cart is theirs; staff and guests open guest carts. */
const customerOf = (req: Request) => (req.principal?.role === 'customer' ? req.principal.userId : null);
