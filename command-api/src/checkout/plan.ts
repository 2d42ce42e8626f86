import type { CheckoutBody } from '@flowdose/contract/command-api';
import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import type { CheckoutPlan } from '@flowdose/domain/checkout/process';
import { SHIPPING_RATES, TAX_BASIS_POINTS } from '@flowdose/domain/checkout/rates';
import { computeTotals } from '@flowdose/domain/checkout/totals';
import { discountDecider, discountFor } from '@flowdose/domain/discount/decider';
import { discountStream } from '@flowdose/domain/discount/events';
import { DomainError } from '@flowdose/domain/errors';
import { derivedId } from '@flowdose/domain/ids';
import type { Principal } from '@flowdose/shared/auth/tokens';
import { ValidationError } from '@flowdose/shared/errors';
import { requireCartReach } from '@flowdose/shared/http/cart-access';
import type { z } from 'zod';
import { loadState } from '../handle-command.ts';
import type { CheckoutDeps } from './steps.ts';

export type CheckoutRequest = z.infer<typeof CheckoutBody>;
export type Caller = { principal: Principal | null; cartToken: string | undefined };

// How long stock stays held for an order that was never placed (a crash between steps).
const RESERVATION_MINUTES = 15;

/** What the checkout will do, decided from the cart and the prices now; appends nothing. */
export async function planCheckout(
  { store, prices, payments, clock, config }: CheckoutDeps,
  caller: Caller,
  cartId: string,
  orderId: string,
  request: CheckoutRequest,
): Promise<CheckoutPlan> {
  const { state: cart, version: cartVersion } = await loadState(store, cartDecider, cartStream(cartId));
  if (cart.status !== 'empty') requireCartReach(config.CART_TOKEN_SECRET, cart, caller);
  // The decider says why a cart cannot be checked out (not found, empty, not open).
  cartDecider.decide({ type: 'CheckOutCart', data: { cartId, orderId } }, cart);
  if (cart.status !== 'open') throw new Error('unreachable');

  const { shippingAddress, shippingMethod, discountCode: code } = request;
  const taxRate = TAX_BASIS_POINTS[shippingAddress.country];
  if (taxRate === undefined) {
    throw new ValidationError([
      { path: 'shippingAddress.country', message: `we do not ship to ${shippingAddress.country}` },
    ]);
  }
  // Prices are read again now and kept in the order: what the shopper pays is fixed here.
  const lines = await Promise.all(
    [...cart.lines.values()].map(async ({ lineId, sku, quantity }) => ({
      lineId,
      sku,
      quantity,
      unitPrice: await prices.priceOf(sku, cart.currency).catch(() => {
        throw new DomainError('line-unavailable', `${sku} is no longer for sale; remove it from the cart.`);
      }),
    })),
  );
  const now = clock.now();
  const discount =
    code === undefined ? null : { code, state: (await loadState(store, discountDecider, discountStream(code))).state };
  const priced = computeTotals({
    currency: cart.currency,
    lines,
    discountOn: (subtotal) =>
      discount && discountFor(discount.state, discount.code, { currency: cart.currency, subtotal, at: now }, orderId),
    shipping: SHIPPING_RATES[shippingMethod][cart.currency],
    taxRateBasisPoints: taxRate,
  });
  const reservations = lines.map((l) => ({
    sku: l.sku,
    reservationId: derivedId(orderId, l.sku),
    quantity: l.quantity,
  }));
  return {
    cartId,
    cartVersion: String(cartVersion),
    currency: cart.currency,
    expiresAt: new Date(now.getTime() + RESERVATION_MINUTES * 60_000).toISOString(),
    reservations,
    paymentMethod: payments.paymentMethod(request.payment),
    decidedAt: now.toISOString(),
    order: {
      orderId,
      cartId,
      customerId: cart.customerId,
      email: request.email,
      currency: cart.currency,
      lines: priced.lines,
      totals: priced.totals,
      shippingAddress,
      shippingMethod,
      ...(code === undefined ? {} : { discountCode: code }),
      reservations: reservations.map(({ sku, reservationId }) => ({ sku, reservationId })),
    },
  };
}
