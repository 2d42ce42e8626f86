import { AddItemBody, ChangeQuantityBody, CheckoutBody, OpenCartBody } from '@flowdose/contract/command-api';
import type { CartCommand } from '@flowdose/domain/cart/commands';
import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import type { Cart } from '@flowdose/domain/cart/rules';
import { DomainError, NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { available, inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { STORE_CURRENCY } from '@flowdose/domain/store-currency';
import { positionToken } from '@flowdose/shared/event-store/position';
import { refuseStaff } from '@flowdose/shared/http/auth';
import { mayTryCart, requireCartReach } from '@flowdose/shared/http/cart-access';
import { cartToken } from '@flowdose/shared/http/cart-token';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { validate } from '@flowdose/shared/http/validate';
import { type Request, type RequestHandler, Router } from 'express';
import { checkout } from '../checkout.ts';
import type { Deps } from '../deps.ts';
import { type CommandOf, handle, loadState, newId } from '../handle-command.ts';

export function cartRoutes(deps: Deps): Router {
  const { store, pool, config, prices } = deps;
  const router = Router();
  // Every cart route, checkout included, before anything is read or appended.
  router.use('/carts', refuseStaff);

  const caller = (req: Request) => ({ principal: req.principal, cartToken: req.get('X-Cart-Token') });
  const requireCartAccess: RequestHandler = (req, _res, next) => {
    mayTryCart(config.CART_TOKEN_SECRET, String(req.params.cartId), caller(req));
    next();
  };
  // The owner is known once the stream is loaded: every cart command is a function of the
  // state that checks the caller may reach this cart first.
  const owned =
    (req: Request, command: CommandOf<CartCommand, Cart>): CommandOf<CartCommand, Cart> =>
    (state) => {
      if (state.status !== 'empty') requireCartReach(config.CART_TOKEN_SECRET, state, caller(req));
      return typeof command === 'function' ? command(state) : command;
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
    const handled = await handle(
      store,
      cartDecider,
      cartStream(cartId),
      (state) =>
        retried && state.status !== 'empty'
          ? null
          : { type: 'OpenCart', data: { cartId, currency, customerId: customerOf(req) } },
      req.context,
    );
    const again = handled.events.length === 0;
    const position = again ? (await store.readStream(cartStream(cartId), { limit: 1 }))[0]!.position : handled.position;
    res
      .status(201)
      .json({ cartId, cartToken: cartToken(config.CART_TOKEN_SECRET, cartId), position: positionToken(position) });
  });

  router.post('/carts/:cartId/items', requireCartAccess, cartScoped, async (req, res) => {
    const body = validate(AddItemBody, req.body);
    const cartId = String(req.params.cartId);
    const newLineId = newId(req.context, 'line');
    const { position, events } = await handle(
      store,
      cartDecider,
      cartStream(cartId),
      owned(req, async (state) => {
        // Priced in the cart's currency. A cart that is not open is refused by the decider,
        // whatever it would have been priced in.
        const currency = state.status === 'open' ? state.currency : STORE_CURRENCY;
        const [unitPrice, free] = await Promise.all([prices.priceOf(body.sku, currency), availableOf(body.sku)]);
        const inCart = state.status === 'open' ? [...state.lines.values()].find((l) => l.sku === body.sku) : undefined;
        requireStock(body.sku, (inCart?.quantity ?? 0) + body.quantity, free, inCart?.quantity ?? 0);
        return { type: 'AddCartItem', data: { cartId, lineId: newLineId, ...body, unitPrice } };
      }),
      req.context,
    );
    // The same SKU again grows its existing line: answer that line's id.
    const lineId = events[0]?.type === 'CartItemQuantityChanged' ? events[0].data.lineId : newLineId;
    res.status(201).json({ lineId, position: positionToken(position) });
  });

  router.patch('/carts/:cartId/items/:lineId', requireCartAccess, cartScoped, async (req, res) => {
    const { quantity } = validate(ChangeQuantityBody, req.body);
    const { cartId, lineId } = lineParams(req.params);
    const { position } = await handle(
      store,
      cartDecider,
      cartStream(cartId),
      owned(req, async (state) => {
        // The stock is asked about only for a line that grows.
        const line = state.status === 'open' ? state.lines.get(lineId) : undefined;
        if (line && quantity > line.quantity)
          requireStock(line.sku, quantity, await availableOf(line.sku), line.quantity);
        return { type: 'ChangeCartItemQuantity', data: { cartId, lineId, quantity } };
      }),
      req.context,
    );
    res.json({ position: positionToken(position) });
  });

  router.delete('/carts/:cartId/items/:lineId', requireCartAccess, cartScoped, async (req, res) => {
    const { cartId, lineId } = lineParams(req.params);
    const { position } = await handle(
      store,
      cartDecider,
      cartStream(cartId),
      owned(req, { type: 'RemoveCartItem', data: { cartId, lineId } }),
      req.context,
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
