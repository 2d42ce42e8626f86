import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import { subtotalOf } from '@flowdose/domain/cart/totals';
import {
  type CheckoutCommand,
  type CheckoutPlan,
  type CheckoutProcess,
  checkoutDecider,
  checkoutStream,
} from '@flowdose/domain/checkout/process';
import { SHIPPING_RATES, type ShippingMethod, TAX_BASIS_POINTS } from '@flowdose/domain/checkout/rates';
import { computeTotals } from '@flowdose/domain/checkout/totals';
import { discountDecider, discountFor } from '@flowdose/domain/discount/decider';
import { discountStream } from '@flowdose/domain/discount/events';
import { DomainError, NotFoundError } from '@flowdose/domain/errors';
import { derivedId } from '@flowdose/domain/ids';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import type { Principal } from '@flowdose/shared/auth/tokens';
import { ConcurrencyError, ProcessIncompleteError, ValidationError } from '@flowdose/shared/errors';
import type { Position } from '@flowdose/shared/event-store/position';
import { requireCartReach } from '@flowdose/shared/http/cart-access';
import type { CommandContext } from '@flowdose/shared/http/context';
import type { Deps } from './deps.ts';
import { failpoint } from './failpoints.ts';
import { handle, loadState, newId, withKey } from './handle-command.ts';
import { HOT_STREAM_ATTEMPTS, releaseDiscountUse, releaseReservations } from './holds.ts';
import { closeProcess, openProcess } from './open-processes.ts';
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

type CheckoutDeps = Pick<Deps, 'store' | 'pool' | 'payments' | 'clock' | 'config' | 'prices'>;
type Running = Exclude<CheckoutProcess, { status: 'none' }>;

/**
 * Turns a cart into an order without a multi-stream transaction (KurrentDB has none), as a
 * process recorded in its own stream: hold stock SKU by SKU, redeem the discount, take the
 * payment, place the order, close the cart. Each step records its outcome; the order id
 * derives from the Idempotency-Key, so a retry after a crash anywhere continues the same
 * process and answers what the first run answered (the same order, 201, or the same
 * refusal). A process that cannot finish gives back what it took before it answers.
 */
export async function checkout(
  deps: CheckoutDeps,
  ctx: CommandContext,
  caller: { principal: Principal | null; cartToken: string | undefined },
  cartId: string,
  request: CheckoutRequest,
): Promise<{ orderId: string; position: Position }> {
  const orderId = newId(ctx, `order:${cartId}`);
  const stream = checkoutStream(orderId);
  const { state } = await loadState(deps.store, checkoutDecider, stream);
  if (state.status === 'none') {
    const plan = await planCheckout(deps, caller, cartId, orderId, request);
    // Listed before the process's first event, so a crash right after it is still found.
    await openProcess(deps.pool, stream);
    await record(deps, ctx, orderId, { type: 'StartCheckout', data: { orderId, plan } });
    failpoint(deps.config, 'checkout:started');
  }
  return runCheckout(deps, ctx, orderId);
}

/** What the checkout will do, decided from the cart and the prices now; appends nothing. */
async function planCheckout(
  { store, prices, payments, clock, config }: CheckoutDeps,
  caller: { principal: Principal | null; cartToken: string | undefined },
  cartId: string,
  orderId: string,
  request: CheckoutRequest,
): Promise<CheckoutPlan> {
  const { state: cart, version: cartVersion } = await loadState(store, cartDecider, cartStream(cartId));
  if (cart.status !== 'empty') requireCartReach(config.CART_TOKEN_SECRET, cart, caller);
  // The decider says why a cart cannot be checked out (not found, empty, not open).
  cartDecider.decide({ type: 'CheckOutCart', data: { cartId, orderId } }, cart);
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
  const subtotal = subtotalOf(lines);
  const code = request.discountCode;
  const now = clock.now();
  const use = { currency: cart.currency, subtotal, at: now };
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
  };
}

// One key per step: event ids derive from the key and the stream, so a step run again (by
// a retry or the recovery sweep) repeats only itself, and two runners agree on every id.
const stepCtx = (ctx: CommandContext, orderId: string, name: string) => withKey(ctx, `checkout:${orderId}:${name}`);

const record = (deps: CheckoutDeps, ctx: CommandContext, orderId: string, command: CheckoutCommand) =>
  handle(
    deps.store,
    checkoutDecider,
    checkoutStream(orderId),
    command,
    stepCtx(ctx, orderId, command.type === 'RecordStep' ? command.event.type : command.type),
  );

/** Records that the checkout cannot finish; the next run gives back what it took. */
export const giveUpCheckout = (
  deps: CheckoutDeps,
  ctx: CommandContext,
  orderId: string,
  code: string,
  detail: string,
) => record(deps, ctx, orderId, { type: 'GiveUp', data: { orderId, code, detail } });

type StepEvent = Extract<CheckoutCommand, { type: 'RecordStep' }>['event'];

/** Records one step's outcome; a crash test may stop the process right after it. */
const recordStep = (deps: CheckoutDeps, ctx: CommandContext, orderId: string, event: StepEvent) =>
  record(deps, ctx, orderId, { type: 'RecordStep', event }).then(() =>
    failpoint(deps.config, `checkout:${event.type}`),
  );

/**
 * Drives a checkout from wherever its stream says it stands to its end, and answers as its
 * first run would have: the order (201) or the refusal it recorded. Used by the request, its
 * retries and the recovery sweep alike.
 */
export async function runCheckout(
  deps: CheckoutDeps,
  ctx: CommandContext,
  orderId: string,
): Promise<{ orderId: string; position: Position }> {
  const stream = checkoutStream(orderId);
  for (;;) {
    const { state, last } = await loadState(deps.store, checkoutDecider, stream);
    if (state.status === 'none') throw new NotFoundError('Checkout');
    if (state.status === 'completed') {
      await closeProcess(deps.pool, stream);
      return { orderId, position: last! };
    }
    if (state.status === 'failed') {
      await closeProcess(deps.pool, stream);
      throw new DomainError(state.failure!.code, state.failure!.detail);
    }
    try {
      await advance(deps, ctx, state);
    } catch (error) {
      // Another runner (the sweep giving up, a parallel retry) moved the process: look again.
      if (error instanceof DomainError && error.code === 'checkout-step-out-of-order') continue;
      if (!(error instanceof DomainError)) throw error;
      // Giving back was refused (the order busy with another step, say): not an answer to store.
      if (state.status === 'failing')
        throw new ProcessIncompleteError(`Checkout ${orderId} is still being undone: ${error.message}`);
      // A refusal (out of stock, code used up, card declined, cart changed): give back, then answer it.
      await giveUpCheckout(deps, ctx, orderId, error.code, error.message);
    }
  }
}

/** One step forward from where the process stands, recording its outcome. */
async function advance(deps: CheckoutDeps, ctx: CommandContext, process: Running) {
  const { orderId, plan } = process;
  const step = (event: StepEvent) => recordStep(deps, ctx, orderId, event);
  switch (process.status) {
    case 'started':
      await holdStock(deps, ctx, orderId, plan);
      failpoint(deps.config, 'checkout:before-CheckoutStockHeld');
      return step({ type: 'CheckoutStockHeld', data: { orderId } });
    case 'held': {
      const code = plan.order.discountCode;
      if (code === undefined) return requestPayment(deps, ctx, process);
      const use = { currency: plan.currency, subtotal: plan.order.totals.subtotal, at: new Date(plan.decidedAt) };
      // The code's stream decides its usage limit: concurrent checkouts race on its version.
      await handle(
        deps.store,
        discountDecider,
        discountStream(code),
        { type: 'RedeemDiscount', data: { code, orderId, ...use } },
        stepCtx(ctx, orderId, 'redeem'),
        { attempts: HOT_STREAM_ATTEMPTS },
      );
      failpoint(deps.config, 'checkout:before-CheckoutDiscountRedeemed');
      return step({ type: 'CheckoutDiscountRedeemed', data: { orderId, code } });
    }
    case 'redeemed':
      return requestPayment(deps, ctx, process);
    case 'paying': {
      const payment = await authorize(deps, process);
      failpoint(deps.config, 'checkout:before-CheckoutPaymentAuthorized');
      if (payment.status === 'declined') throw new DomainError('payment-declined', payment.reason);
      return step({
        type: 'CheckoutPaymentAuthorized',
        data: { orderId, paymentId: payment.paymentId, confirmed: payment.status === 'authorized' },
      });
    }
    case 'paid':
      await placeOrder(deps, ctx, process);
      failpoint(deps.config, 'checkout:before-CheckoutOrderPlaced');
      return step({ type: 'CheckoutOrderPlaced', data: { orderId } });
    case 'placed':
      await closeCart(deps, ctx, process);
      failpoint(deps.config, 'checkout:before-CheckoutCompleted');
      return step({ type: 'CheckoutCompleted', data: { orderId } });
    case 'failing':
      await giveBack(deps, ctx, process);
      return step({ type: 'CheckoutFailed', data: { orderId } });
    case 'completed':
    case 'failed':
      return;
    default: {
      const _exhaustive: never = process.status;
      throw new Error('unknown status');
    }
  }
}

/** Holds every line's stock, all or none: a refusal leaves the holds taken for `giveBack`. */
async function holdStock(deps: CheckoutDeps, ctx: CommandContext, orderId: string, plan: CheckoutPlan) {
  const outcomes = await Promise.allSettled(
    plan.reservations.map(async (r) => {
      const { duplicate } = await handle(
        deps.store,
        inventoryDecider,
        inventoryStream(r.sku),
        // A function of the state: a hold an earlier run took is not taken twice.
        (state) =>
          state.reservations.has(r.reservationId)
            ? null
            : { type: 'Reserve', data: { ...r, expiresAt: plan.expiresAt, orderId } },
        stepCtx(ctx, orderId, 'reserve'),
        { attempts: HOT_STREAM_ATTEMPTS },
      );
      // The hold's event exists from an earlier run, but the hold is gone (expired and
      // released): the ids derive from the same key, so it cannot be taken again.
      if (
        duplicate &&
        !(await loadState(deps.store, inventoryDecider, inventoryStream(r.sku))).state.reservations.has(r.reservationId)
      ) {
        throw new DomainError('checkout-ended', 'This checkout was tried before and ended; check out again.');
      }
    }),
  );
  const failed = plan.reservations.flatMap((r, i) => {
    const outcome = outcomes[i]!;
    return outcome.status === 'rejected' ? [{ ...r, error: outcome.reason as unknown }] : [];
  });
  if (failed.length === 0) return;
  const short = failed.filter((f) => f.error instanceof DomainError && f.error.code === 'out-of-stock');
  if (short.length === failed.length) {
    throw new DomainError(
      'out-of-stock',
      `Not enough stock for: ${short.map((s) => `${s.sku} (${s.quantity} asked)`).join(', ')}.`,
    );
  }
  throw failed[0]!.error;
}

/** The intent comes first: from here on the provider may hold an authorization to void. */
const requestPayment = (deps: CheckoutDeps, ctx: CommandContext, { orderId, plan }: Running) =>
  recordStep(deps, ctx, orderId, {
    type: 'CheckoutPaymentRequested',
    data: { orderId, amount: plan.order.totals.grandTotal, idempotencyKey: `authorize:${orderId}` },
  });

// Asking again with the same key answers the first outcome: how a runner learns the
// payment after a crash between the provider's answer and its record.
const authorize = (deps: CheckoutDeps, { orderId, plan }: Running) =>
  deps.payments.authorize({
    orderId,
    amount: plan.order.totals.grandTotal,
    currency: plan.currency,
    paymentMethod: plan.paymentMethod,
    idempotencyKey: `authorize:${orderId}`,
  });

async function placeOrder(deps: CheckoutDeps, ctx: CommandContext, { orderId, plan, payment }: Running) {
  const { paymentId, confirmed } = payment!;
  const place = { type: 'PlaceOrder', data: { ...plan.order, paymentId } } as const;
  await handle(
    deps.store,
    orderDecider,
    orderStream(orderId),
    // Placed by an earlier run of this process: nothing to add. Expired: refused by the decider.
    // An unconfirmed payment is confirmed later, by the provider's webhook.
    (state) =>
      state.status !== 'none' && state.status !== 'expired'
        ? null
        : confirmed
          ? [place, { type: 'AuthorizePayment', data: { orderId, paymentId } }]
          : place,
    stepCtx(ctx, orderId, 'place'),
  );
}

/** The cart closes at the version the checkout was decided on: changed meanwhile, the order is undone. */
async function closeCart(deps: CheckoutDeps, ctx: CommandContext, { orderId, plan }: Running) {
  const { cartId } = plan;
  const { state } = await loadState(deps.store, cartDecider, cartStream(cartId));
  if (state.status === 'checkedOut' && state.orderId === orderId) return;
  try {
    await handle(
      deps.store,
      cartDecider,
      cartStream(cartId),
      { type: 'CheckOutCart', data: { cartId, orderId } },
      stepCtx(ctx, orderId, 'close-cart'),
      { atVersion: BigInt(plan.cartVersion) },
    );
  } catch (error) {
    if (!(error instanceof ConcurrencyError) && !(error instanceof DomainError)) throw error;
    throw new DomainError('cart-changed', 'The cart changed during checkout; review it and try again.');
  }
}

/**
 * Compensation: gives back whatever the process took, each call keyed so it can run again.
 * An order that was placed is canceled through its own step (which voids the payment,
 * releases the stock and gives the discount use back); otherwise each is undone here.
 */
async function giveBack(deps: CheckoutDeps, ctx: CommandContext, process: Running) {
  const { orderId, plan, failure, reached } = process;
  const reason = failure?.code ?? 'checkout failed';
  const { state: order } = await loadState(deps.store, orderDecider, orderStream(orderId));
  if (order.status !== 'none' && order.status !== 'expired') {
    if (order.status !== 'canceled') await cancelOrder(deps, stepCtx(ctx, orderId, 'cancel'), orderId, reason);
    return;
  }
  if (reached === 'paying' || reached === 'paid') {
    const payment = await authorize(deps, process);
    if (payment.status !== 'declined') {
      await deps.payments.void({ paymentId: payment.paymentId, idempotencyKey: `checkout-void:${orderId}` });
    }
  }
  await releaseReservations(deps.store, stepCtx(ctx, orderId, 'release'), plan.reservations, reason);
  await releaseDiscountUse(
    deps.store,
    stepCtx(ctx, orderId, 'release-discount'),
    plan.order.discountCode,
    orderId,
    reason,
  );
}
