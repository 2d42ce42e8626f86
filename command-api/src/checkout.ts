import type { Principal } from '@flowdose/shared/auth/tokens';
import { cartDecider } from '@flowdose/shared/domain/cart/decider';
import { cartStream } from '@flowdose/shared/domain/cart/events';
import { SHIPPING_RATES, type ShippingMethod, TAX_BASIS_POINTS } from '@flowdose/shared/domain/checkout/rates';
import { computeTotals } from '@flowdose/shared/domain/checkout/totals';
import { discountDecider, discountFor } from '@flowdose/shared/domain/discount/decider';
import { discountStream } from '@flowdose/shared/domain/discount/events';
import { inventoryDecider } from '@flowdose/shared/domain/inventory/decider';
import { inventoryStream } from '@flowdose/shared/domain/inventory/events';
import { orderDecider } from '@flowdose/shared/domain/order/decider';
import { orderStream } from '@flowdose/shared/domain/order/events';
import { DomainError, ValidationError } from '@flowdose/shared/errors';
import type { Position } from '@flowdose/shared/event-store/position';
import { requireCartReach } from '@flowdose/shared/http/cart-access';
import type { CommandContext } from '@flowdose/shared/http/context';
import { derivedId } from '@flowdose/shared/ids';
import type { Deps } from './app.ts';
import { handle, loadState, newId } from './handle-command.ts';
import { HOT_STREAM_ATTEMPTS, releaseDiscountUse, releaseReservations } from './holds.ts';
import { cancelOrder } from './order-actions.ts';

export type CheckoutRequest = {
  email: string;
  shippingAddress: { name: string; line1: string; line2?: string; city: string; postalCode: string; country: string };
  shippingMethod: ShippingMethod;
  payment: { method: 'test-card'; cardNumber: string };
  discountCode?: string;
};

// How long stock stays held for an order that was never placed (a crash between steps).
const RESERVATION_MINUTES = 15;

export class PaymentDeclinedError extends DomainError {
  constructor(reason: string) {
    super('payment-declined', reason, 402);
  }
}

/**
 * Turns a cart into an order without a multi-stream transaction (KurrentDB has none): hold
 * stock SKU by SKU (all or none), take the payment, place the order, close the cart. Each
 * step's ids derive from the order id, itself from the Idempotency-Key, so a retried
 * checkout repeats nothing; a failure gives back what earlier steps took.
 */
export async function checkout(
  deps: Deps,
  ctx: CommandContext,
  caller: { principal: Principal | null; cartToken: string | undefined },
  cartId: string,
  request: CheckoutRequest,
): Promise<{ orderId: string; position: Position }> {
  const { store, prices, payments, clock } = deps;
  const { state: cart, version: cartVersion } = await loadState(store, cartDecider, cartStream(cartId));
  if (cart.status !== 'empty') requireCartReach(deps.config.CART_TOKEN_SECRET, cart, caller);
  // The decider says why a cart cannot be checked out (not found, empty, not open).
  cartDecider.decide({ type: 'CheckOutCart', data: { cartId, orderId: cartId } }, cart);
  if (cart.status !== 'open') throw new Error('unreachable');

  const taxRate = TAX_BASIS_POINTS[request.shippingAddress.country];
  if (taxRate === undefined) {
    throw new ValidationError([
      { path: 'shippingAddress.country', message: `we do not ship to ${request.shippingAddress.country}` },
    ]);
  }
  // Prices are read again now and kept in the order: what the shopper pays is fixed here.
  const lines = await Promise.all(
    [...cart.lines.values()].map(async (line) => ({
      ...line,
      unitPrice: await prices.priceOf(line.sku, cart.currency).catch(() => {
        throw new DomainError('line-unavailable', `${line.sku} is no longer for sale; remove it from the cart.`);
      }),
    })),
  );
  const orderId = newId(ctx, `order:${cartId}`);
  const subtotal = lines.reduce((sum, l) => sum + l.unitPrice.amount * l.quantity, 0);
  const code = request.discountCode;
  const use = { currency: cart.currency, subtotal, at: clock.now() };
  const discount =
    code === undefined
      ? null
      : discountFor((await loadState(store, discountDecider, discountStream(code))).state, code, use, orderId);
  const totals = computeTotals({
    currency: cart.currency,
    lines,
    discount,
    shipping: SHIPPING_RATES[request.shippingMethod][cart.currency],
    taxRateBasisPoints: taxRate,
  });

  const expiresAt = new Date(clock.now().getTime() + RESERVATION_MINUTES * 60_000).toISOString();
  const reservations = lines.map((l) => ({
    sku: l.sku,
    reservationId: derivedId(orderId, l.sku),
    quantity: l.quantity,
  }));
  // One key per step: ids derive from the key and the stream, and a step repeats only itself.
  const step = (name: string) => ({ ...ctx, idempotencyKey: `checkout:${orderId}:${name}` });

  const release = (held: typeof reservations, reason: string) =>
    releaseReservations(store, step('release'), held, reason);
  const giveBack = (reason: string) => releaseDiscountUse(store, step('release-discount'), code, orderId, reason);

  const outcomes = await Promise.all(
    reservations.map((r) =>
      handle(
        store,
        inventoryDecider,
        inventoryStream(r.sku),
        step('reserve'),
        (state) =>
          state.reservations.has(r.reservationId)
            ? []
            : inventoryDecider.decide({ type: 'Reserve', data: { ...r, expiresAt, orderId } }, state),
        { attempts: HOT_STREAM_ATTEMPTS },
      )
        .then(async ({ duplicate }) => {
          // A retry of a checkout that already ended (its hold released) must not take the old
          // hold's event for a new one: the ids derive from the same key.
          if (
            duplicate &&
            !(await loadState(store, inventoryDecider, inventoryStream(r.sku))).state.reservations.has(r.reservationId)
          ) {
            throw new DomainError('checkout-ended', 'This checkout was tried before and ended; check out again.');
          }
        })
        .then(
          () => ({ ...r, ok: true as const }),
          (error: unknown) => ({ ...r, ok: false as const, error }),
        ),
    ),
  );
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    await release(
      outcomes.filter((o) => o.ok),
      'checkout failed',
    );
    const short = failed.filter((f) => f.error instanceof DomainError && f.error.code === 'out-of-stock');
    if (short.length === failed.length) {
      throw new DomainError(
        'out-of-stock',
        `Not enough stock for: ${short.map((s) => `${s.sku} (${s.quantity} asked)`).join(', ')}.`,
      );
    }
    throw failed[0]!.error;
  }

  // The code's stream decides its usage limit: concurrent checkouts race on its version.
  if (code !== undefined) {
    try {
      await handle(
        store,
        discountDecider,
        discountStream(code),
        step('redeem'),
        (state) => discountDecider.decide({ type: 'RedeemDiscount', data: { code, orderId, ...use } }, state),
        { attempts: HOT_STREAM_ATTEMPTS },
      );
    } catch (error) {
      await release(reservations, 'discount refused');
      throw error;
    }
  }

  const payment = await payments.authorize({
    orderId,
    amount: totals.grandTotal,
    currency: cart.currency,
    cardNumber: request.payment.cardNumber,
  });
  if (payment.status === 'declined') {
    await Promise.all([release(reservations, 'payment declined'), giveBack('payment declined')]);
    throw new PaymentDeclinedError(payment.reason);
  }

  const { position } = await handle(store, orderDecider, orderStream(orderId), step('place'), (state) => {
    const placed = orderDecider.decide(
      {
        type: 'PlaceOrder',
        data: {
          orderId,
          cartId,
          customerId: cart.customerId,
          email: request.email,
          currency: cart.currency,
          lines: lines.map((l, i) => ({
            lineId: l.lineId,
            sku: l.sku,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            discount: totals.lines[i]!.discount,
            tax: totals.lines[i]!.tax,
          })),
          totals: {
            subtotal: totals.subtotal,
            discount: totals.discount,
            shipping: totals.shipping,
            tax: totals.tax,
            grandTotal: totals.grandTotal,
          },
          shippingAddress: request.shippingAddress,
          shippingMethod: request.shippingMethod,
          ...(code === undefined ? {} : { discountCode: code }),
          reservations: reservations.map(({ sku, reservationId }) => ({ sku, reservationId })),
        },
      },
      state,
    );
    if (payment.status !== 'authorized') return placed; // confirmed later by the provider
    const next = placed.reduce(orderDecider.evolve, state);
    return [
      ...placed,
      ...orderDecider.decide({ type: 'AuthorizePayment', data: { orderId, paymentId: payment.paymentId } }, next),
    ];
  });

  // The cart closes at the version read: changed meanwhile (or checked out by a parallel
  // request), this order is canceled and its stock given back.
  try {
    await handle(
      store,
      cartDecider,
      cartStream(cartId),
      step('close-cart'),
      (state) => cartDecider.decide({ type: 'CheckOutCart', data: { cartId, orderId } }, state),
      { atVersion: cartVersion },
    );
  } catch {
    await cancelOrder(deps, step('cancel'), orderId, 'the cart changed during checkout').catch(() => {});
    throw new DomainError('cart-changed', 'The cart changed during checkout; review it and try again.');
  }
  return { orderId, position };
}
